"""The published catalogue, readable without a key (it is public on the site too)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from portal.api.base import ApiMixin, ApiView
from procedures import selectors

from .serializers import ProcedureDetailSerializer, ProcedureSummarySerializer


class CataloguePage(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200


class ProcedureList(ApiMixin, generics.ListAPIView):
    """Procedures in force today, searched as on the public catalogue (`q`, accent-insensitive)."""

    authentication_classes = []
    audit_action = "catalogue.list"
    serializer_class = ProcedureSummarySerializer
    pagination_class = CataloguePage

    def get_queryset(self):
        query = (self.request.query_params.get("q") or "")[:200].replace("\x00", "")
        return selectors.public_versions(query=query)

    @extend_schema(operation_id="procedures_list", tags=["catalogue"],
                   parameters=[OpenApiParameter("q", str, description="Tìm kiếm, không phân biệt dấu")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProcedureDetail(ApiView):
    """One procedure with the version in force: methods, fees, components, route, legal basis."""

    authentication_classes = []
    audit_action = "catalogue.detail"

    @extend_schema(operation_id="procedures_retrieve", tags=["catalogue"], responses=ProcedureDetailSerializer)
    def get(self, request, national_code):
        _procedure, version = selectors.public_procedure_detail(national_code=national_code)
        return Response(ProcedureDetailSerializer(version).data)
