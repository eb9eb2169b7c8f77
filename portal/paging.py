"""Page-numbered lists: the page asked for in `?page=` (a bad number gives the first page, one
past the end the last), and the query string the pager's links keep."""

from django.core.paginator import Paginator


def page_of(request, items, size):
    return Paginator(items, size).get_page(request.GET.get("page"))


def query_without_page(request, *also):
    """The request's GET parameters without `page` (and the names in `also`), urlencoded."""
    params = request.GET.copy()
    for name in ("page", *also):
        params.pop(name, None)
    return params.urlencode()
