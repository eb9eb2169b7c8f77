"""Dossiers through the integration API: created by a connected system as online submissions,
read (with both status vocabularies), listed by change with keyset paging, their events,
results and files, and the step outcomes a sectoral system records. Reads go through
workflow/policies.py (`dossiers_visible_to` the client's system account) and writes through the
same services as the staff pages, so the API can do nothing a person of the unit could not."""

import base64
import binascii
import datetime
import hashlib

from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from dossiers.api.serializers import (
    ActionSerializer,
    DossierCreateSerializer,
    DossierPageSerializer,
    DossierSerializer,
    EventSerializer,
    ResultSerializer,
    declaration_answers,
)
from dossiers.declarations import declaration_create
from dossiers.models import Dossier, Outcome
from dossiers.services import ConcurrentChange, dossier_submit_online
from portal.api.base import ApiView, client_of
from portal.api.models import IdempotencyRecord, Scope
from portal.models import Unit
from portal.object_storage import open_for_download
from procedures.models import ProcedureVersion
from workflow import policies
from workflow.routing import services as routing

PAGE_DEFAULT, PAGE_MAX = 50, 200
IDEMPOTENCY_HELP = "Khóa duy nhất của lần tạo; gửi lại cùng khóa không tạo hồ sơ thứ hai"
DETAIL_RELATED = ("procedure", "procedure_version", "receiving_unit", "current_unit")


def _visible(request):
    return policies.dossiers_visible_to(request.user)


def visible_dossier(request, code):
    dossier = (_visible(request).select_related(*DETAIL_RELATED)
               .prefetch_related("components", "files").filter(code=code).first())
    if dossier is None:
        raise Http404
    return dossier


# --- paging -----------------------------------------------------------------------------------


def aware_datetime(value, *, field="changed_since"):
    """An ISO 8601 time with its offset, in UTC (PostgreSQL refuses offsets beyond ±15:59)."""
    try:
        at = parse_datetime(value) if len(value) < 40 else None
        if at is None or at.tzinfo is None:
            raise ValueError
        return at.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        raise ValidationError({field: [_("Thời điểm phải theo ISO 8601, có múi giờ.")]}) from None


def encode_cursor(dossier):
    return base64.urlsafe_b64encode(f"{dossier.updated_at.isoformat()}|{dossier.pk}".encode()).decode()


def decode_cursor(value):
    try:
        stamp, _bar, pk = base64.urlsafe_b64decode(value.encode()).decode().partition("|")
        number = int(pk)
        if not 0 < number < 2**63:
            raise ValueError
        return aware_datetime(stamp, field="cursor"), number
    except (ValueError, binascii.Error, UnicodeError):
        raise ValidationError({"cursor": [_("Con trỏ phân trang không hợp lệ.")]}) from None


def _page_size(request):
    raw = request.query_params.get("limit", "")
    if not raw:
        return PAGE_DEFAULT
    if not raw.isdigit() or not 1 <= int(raw) <= PAGE_MAX:
        raise ValidationError({"limit": [_("Số bản ghi mỗi trang phải từ 1 đến %(max)s.") % {"max": PAGE_MAX}]})
    return int(raw)


class DossierListCreate(ApiView):
    required_scope = {"GET": Scope.DOSSIERS_READ, "POST": Scope.DOSSIERS_CREATE}

    @extend_schema(
        operation_id="dossiers_list", tags=["dossiers"],
        parameters=[
            OpenApiParameter("changed_since", OpenApiTypes.DATETIME,
                             description="Chỉ các hồ sơ thay đổi sau thời điểm này (ISO 8601, có múi giờ)"),
            OpenApiParameter("cursor", str, description="next_cursor của trang trước"),
            OpenApiParameter("limit", int, description=f"1–{PAGE_MAX}, mặc định {PAGE_DEFAULT}"),
        ],
        responses={200: DossierPageSerializer},
    )
    def get(self, request):
        """Dossiers of the client's units in the order they last changed (oldest first), a page
        at a time: pass `next_cursor` back as `cursor` until it is null."""
        self.audit_action = "dossiers.list"
        limit = _page_size(request)
        qs = _visible(request).select_related(*DETAIL_RELATED).prefetch_related("components", "files")
        since = request.query_params.get("changed_since")
        if since:
            qs = qs.filter(updated_at__gt=aware_datetime(since))
        cursor = request.query_params.get("cursor")
        if cursor:
            at, pk = decode_cursor(cursor[:200])
            qs = qs.filter(updated_at__gte=at).exclude(updated_at=at, pk__lte=pk)
        rows = list(qs.order_by("updated_at", "pk")[:limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        return Response({"results": DossierSerializer(rows, many=True).data,
                         "next_cursor": encode_cursor(rows[-1]) if more else None})

    @extend_schema(
        operation_id="dossiers_create", tags=["dossiers"], request=DossierCreateSerializer,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=True,
                                     description=IDEMPOTENCY_HELP)],
        responses={201: DossierSerializer, 200: DossierSerializer},
    )
    def post(self, request):
        """Submit a dossier for a unit of the client (its own or one below it), as an online
        submission that the unit's counter checks. Retrying with the same Idempotency-Key
        returns the dossier created the first time."""
        self.audit_action = "dossiers.create"
        client = client_of(request)
        key = (request.headers.get("Idempotency-Key") or "").strip()
        if not key or len(key) > 100:
            raise ValidationError({"Idempotency-Key": [_("Cần tiêu đề Idempotency-Key (tối đa 100 ký tự).")]})
        digest = hashlib.sha256(request.body).hexdigest()
        with transaction.atomic():
            record, fresh = IdempotencyRecord.objects.select_for_update().get_or_create(
                client=client, key=key, defaults={"request_hash": digest})
            if not fresh:
                if record.request_hash != digest:
                    raise ValidationError({"Idempotency-Key": [
                        _("Khóa này đã dùng cho một yêu cầu khác; hãy dùng khóa mới.")]})
                self.audited_object = record.response.get("code", "")
                return Response(record.response, status=status.HTTP_200_OK, headers={"Idempotent-Replayed": "true"})
            dossier = self._create(request, client)
            data = DossierSerializer(visible_or_created(dossier)).data
            record.status_code, record.response = 201, data
            record.save(update_fields=["status_code", "response"])
        self.audited_object = dossier.code
        return Response(data, status=status.HTTP_201_CREATED)

    def _create(self, request, client):
        serializer = DossierCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = (ProcedureVersion.objects.in_force().filter(procedure__national_code=data["procedure"])
                   .select_related("procedure").first())
        if version is None:
            raise ValidationError({"procedure": [_("Không có thủ tục đang có hiệu lực với mã này.")]})
        unit = Unit.objects.active().filter(code=data["unit"]).first()
        if unit is None or not policies.may_submit_for(client_unit=client.unit, unit=unit):
            raise ValidationError({"unit": [_("Hệ thống kết nối không được nộp hồ sơ cho đơn vị này.")]})
        requirements = {r.pk: r for r in version.components.all()}
        components, files = [], []
        for index, line in enumerate(data["components"]):
            requirement = requirements.get(line["requirement"])
            if requirement is None:
                raise ValidationError({"components": [
                    _("Giấy tờ số %(id)s không thuộc thủ tục này.") % {"id": line["requirement"]}]})
            components.append({"requirement": requirement, "name": requirement.name,
                               **{k: line[k] for k in ("originals", "certified_copies", "photocopies")}})
            files += [(index, upload) for upload in line.get("files", [])]
            if "declaration" in line and not requirement.eform:
                raise ValidationError({"components": [
                    _("Giấy tờ số %(id)s không có tờ khai điện tử.") % {"id": line["requirement"]}]})
        applicant = {f"applicant_{k}" if not k.startswith("organisation") else k: v
                     for k, v in data["applicant"].items()}
        dossier = dossier_submit_online(citizen=None, actor=request.user, unit=unit, version=version,
                                        applicant=applicant, components=components, files=files,
                                        delivery=data["delivery"])
        saved = list(dossier.components.order_by("order", "pk"))
        for index, line in enumerate(data["components"]):
            if "declaration" in line:
                # The same server-side check and printed PDF as the online wizard and the counter.
                definition = saved[index].requirement.eform
                declaration_create(dossier=dossier, component=saved[index], definition=definition,
                                   data=declaration_answers(definition, line["declaration"]), actor=request.user)
        return dossier


def visible_or_created(dossier):
    return Dossier.objects.select_related(*DETAIL_RELATED).prefetch_related("components", "files").get(pk=dossier.pk)


class DossierDetail(ApiView):
    required_scope = Scope.DOSSIERS_READ
    audit_action = "dossiers.read"

    @extend_schema(operation_id="dossiers_retrieve", tags=["dossiers"], responses=DossierSerializer)
    def get(self, request, code):
        return Response(DossierSerializer(visible_dossier(request, code)).data)


class DossierEvents(ApiView):
    required_scope = Scope.DOSSIERS_READ
    audit_action = "dossiers.events"

    @extend_schema(operation_id="dossiers_events", tags=["dossiers"], responses=EventSerializer(many=True))
    def get(self, request, code):
        dossier = visible_dossier(request, code)
        return Response(EventSerializer(dossier.events.select_related("unit").order_by("at", "pk"), many=True).data)


class DossierResult(ApiView):
    required_scope = Scope.DOSSIERS_READ
    audit_action = "dossiers.result"

    @extend_schema(operation_id="dossiers_result", tags=["dossiers"], responses=ResultSerializer)
    def get(self, request, code):
        return Response(ResultSerializer(visible_dossier(request, code)).data)


class DossierFileDownload(ApiView):
    required_scope = Scope.DOSSIERS_READ
    audit_action = "dossiers.file"

    @extend_schema(operation_id="dossiers_file", tags=["dossiers"],
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY, (200, "image/jpeg"): OpenApiTypes.BINARY,
                              (200, "image/png"): OpenApiTypes.BINARY})
    def get(self, request, code, file_id):
        dossier = visible_dossier(request, code)
        stored = next((f for f in dossier.files.all() if f.pk == file_id), None)
        if stored is None:
            raise Http404
        try:  # the local disk or the private bucket (portal/object_storage.py), streamed from here
            handle, length = open_for_download(stored.file)
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=stored.content_type, as_attachment=True,
                                filename=stored.original_name)
        if length is not None:
            response["Content-Length"] = str(length)
        response["Cache-Control"] = "private, no-store"
        return response


class DossierAction(ApiView):
    required_scope = Scope.STEPS_ACT
    audit_action = "dossiers.action"

    @extend_schema(operation_id="dossiers_action", tags=["steps"], request=ActionSerializer,
                   responses={200: DossierSerializer, 409: OpenApiResponse(description="Hồ sơ đã thay đổi")})
    def post(self, request, code):
        """Record the outcome of the unit's active step, as its officers and leaders do on the
        dossier page: approve (optionally with result documents), refuse with reasons, or
        request a supplement (the missing papers and the reason)."""
        dossier = visible_dossier(request, code)
        serializer = ActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.audit_action = f"dossiers.{data['action']}"
        actor, expected = request.user, data.get("expected_status")
        try:
            with transaction.atomic():
                if data["action"] == "supplement":
                    routing.supplement_request(dossier=dossier, actor=actor, reason=data["note"],
                                               missing_components=data["missing_components"],
                                               expected_status=expected)
                else:
                    for upload in data.get("result_files", []):
                        routing.result_file_add(dossier=dossier, actor=actor, upload=upload)
                    outcome = Outcome.APPROVED if data["action"] == "approve" else Outcome.REFUSED
                    routing.dossier_decide(dossier=dossier, leader=actor, outcome=outcome, note=data["note"],
                                           expected_status=expected)
        except ConcurrentChange:
            return Response({"detail": _("Hồ sơ vừa được người khác thay đổi; hãy đọc lại trạng thái.")},
                            status=status.HTTP_409_CONFLICT)
        return Response(DossierSerializer(visible_or_created(dossier)).data)

