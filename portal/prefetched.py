"""Give a model instance's reverse relation the rows a page already has, as
`prefetch_related` would have set them: `instance.<relation>.all()` then runs no query.

For rows read another way than by prefetch_related: a single query split in Python (the
dossier page's component and loose files), or the shared cache (a procedure version's methods
and fees). Each row also knows its parent, as after prefetch_related.
"""


def set_prefetched(instance, relation, objects):
    objects = list(objects)
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache.pop(relation, None)
    queryset = getattr(instance, relation).get_queryset()  # its query is never run
    queryset._result_cache = objects
    queryset._prefetch_done = True
    cache[relation] = queryset
    parent = getattr(type(instance), relation).field
    for row in objects:
        parent.set_cached_value(row, instance)
    return objects
