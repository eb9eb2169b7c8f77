"""Dossiers as the integration API reads and writes them: both status vocabularies (the
internal state and the national portal's 10 codes), the 3 channels, and the create request
whose files go through the same content checks as the web forms (dossiers/uploads.py)."""

import base64
import binascii

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from rest_framework import serializers

from dossiers.models import (
    NATIONAL_STATUS,
    Channel,
    Delivery,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierFile,
    NationalStatus,
    Status,
    label_of,
)
from dossiers.uploads import inspect_upload
from portal.api.base import StrictSerializer
from portal.validators import validate_personal_id, validate_phone


class StatusFields(serializers.Serializer):
    """The status in both vocabularies."""

    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    status_label = serializers.SerializerMethodField()
    national_status = serializers.SerializerMethodField()
    national_status_label = serializers.SerializerMethodField()

    def _status(self, obj):
        return obj.status

    def get_status_label(self, obj) -> str:
        return label_of(Status, self._status(obj))

    def get_national_status(self, obj) -> int:
        return int(NATIONAL_STATUS[self._status(obj)])

    def get_national_status_label(self, obj) -> str:
        return label_of(NationalStatus, NATIONAL_STATUS[self._status(obj)])


class FileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    signed = serializers.SerializerMethodField()

    class Meta:
        model = DossierFile
        fields = ["id", "kind", "name", "content_type", "size", "sha256", "uploaded_at", "signed"]

    def get_signed(self, obj) -> bool:
        return bool(obj.signed_by_portal)


class DossierComponentSerializer(serializers.ModelSerializer):
    requirement = serializers.IntegerField(source="requirement_id", allow_null=True)

    class Meta:
        model = DossierComponent
        fields = ["requirement", "name", "originals", "certified_copies", "photocopies"]


class DossierSerializer(StatusFields, serializers.ModelSerializer):
    procedure = serializers.CharField(source="procedure.national_code")
    procedure_version = serializers.IntegerField(source="procedure_version.number")
    receiving_unit = serializers.CharField(source="receiving_unit.code")
    current_unit = serializers.CharField(source="current_unit.code")
    channel_label = serializers.SerializerMethodField()
    components = DossierComponentSerializer(many=True)
    files = FileSerializer(many=True)

    class Meta:
        model = Dossier
        fields = ["code", "procedure", "procedure_version", "receiving_unit", "current_unit", "channel",
                  "channel_label", "delivery", "status", "status_label", "national_status", "national_status_label",
                  "outcome", "decision_note", "is_priority", "applicant_name", "applicant_personal_id",
                  "applicant_birth_date", "applicant_address", "applicant_phone", "applicant_email",
                  "organisation_name", "organisation_tax_code", "submitted_at", "received_at", "due_at",
                  "finished_at", "returned_at", "updated_at", "components", "files"]

    def get_channel_label(self, obj) -> str:
        return label_of(Channel, obj.channel)


class DossierPageSerializer(serializers.Serializer):
    results = DossierSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class EventSerializer(StatusFields, serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=Status.choices, source="to_status", read_only=True)
    unit = serializers.CharField(source="unit.code", default=None, allow_null=True)
    from_status = serializers.CharField()
    to_status = serializers.CharField()

    class Meta:
        model = DossierEvent
        fields = ["id", "at", "transition", "from_status", "to_status", "status", "status_label", "national_status",
                  "national_status_label", "unit", "note"]

    def _status(self, obj):
        return obj.to_status


class ResultSerializer(StatusFields, serializers.ModelSerializer):
    files = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = ["code", "status", "status_label", "national_status", "national_status_label", "outcome",
                  "decision_note", "finished_at", "returned_at", "files"]

    def get_files(self, obj) -> FileSerializer(many=True):
        return FileSerializer([f for f in obj.files.all() if f.kind == DossierFile.Kind.RESULT], many=True).data


# --- writing ----------------------------------------------------------------------------------


class UploadSerializer(StrictSerializer):
    """A file sent inline: its name and its content in base64. Checked by content, as on the
    web forms (PDF, JPEG or PNG; size limit; no active content in PDFs)."""

    name = serializers.CharField(max_length=255)
    content_base64 = serializers.CharField()

    def validate(self, attrs):
        try:
            data = base64.b64decode(attrs["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(
                {"content_base64": [_("Nội dung tệp không phải base64 hợp lệ.")]}) from None
        upload = ContentFile(data, name=attrs["name"])
        try:
            inspect_upload(upload)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"content_base64": exc.messages}) from None
        return upload


class ApplicantSerializer(StrictSerializer):
    name = serializers.CharField(max_length=150)
    personal_id = serializers.CharField(max_length=12, required=False, allow_blank=True,
                                        validators=[validate_personal_id])
    birth_date = serializers.DateField(required=False, allow_null=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, validators=[validate_phone])
    email = serializers.EmailField(required=False, allow_blank=True)
    organisation_name = serializers.CharField(max_length=300, required=False, allow_blank=True)
    organisation_tax_code = serializers.CharField(max_length=20, required=False, allow_blank=True)


class ComponentInSerializer(StrictSerializer):
    requirement = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    originals = serializers.IntegerField(min_value=0, max_value=100, default=0)
    certified_copies = serializers.IntegerField(min_value=0, max_value=100, default=0)
    photocopies = serializers.IntegerField(min_value=0, max_value=100, default=0)
    files = UploadSerializer(many=True, required=False, max_length=20)
    declaration = serializers.DictField(
        required=False, help_text="Tờ khai điện tử của thành phần (nếu thủ tục có): các câu trả lời phẳng theo "
                                  "docs/eforms.md; được kiểm tra và in thành PDF như khi khai trực tuyến")


class DossierCreateSerializer(StrictSerializer):
    procedure = serializers.CharField(max_length=40, help_text="Mã thủ tục quốc gia, ví dụ 1.001193")
    unit = serializers.CharField(max_length=40, help_text="Mã định danh đơn vị tiếp nhận")
    delivery = serializers.ChoiceField(choices=Delivery.choices, default=Delivery.ONLINE)
    applicant = ApplicantSerializer()
    components = ComponentInSerializer(many=True, max_length=50)


ADDRESS_PARTS = ("detail", "commune", "province")


def _scalar(field, value):
    if field["type"] == "boolean":
        if not isinstance(value, bool):
            raise TypeError
        return value
    if field["type"] == "address":
        if not isinstance(value, dict) or set(value) - set(ADDRESS_PARTS):
            raise TypeError
        return {part: _text(value.get(part, "")) for part in ADDRESS_PARTS}
    return _text(value)


def _text(value):
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TypeError
    return str(value)


def declaration_answers(definition, data):
    """The answers of a declaration sent as JSON, in the shapes the e-form checks expect
    (docs/eforms.md: text as strings, booleans, an address as {detail, commune, province}, a
    group as a list of rows); a wrong shape or an unknown or file field is a 400, never a 500."""
    fields = {f["key"]: f for s in definition.get("sections", []) for f in s.get("fields", [])}
    answers, errors = {}, {}
    for key, value in data.items():
        field = fields.get(key)
        try:
            if field is None or field["type"] == "file":
                raise KeyError
            if field["type"] == "group":
                subs = {f["key"]: f for f in field.get("fields", [])}
                if not isinstance(value, list) or not all(isinstance(row, dict) and set(row) <= set(subs)
                                                          and all(subs[k]["type"] != "file" for k in row)
                                                          for row in value):
                    raise TypeError
                answers[key] = [{k: _scalar(subs[k], v) for k, v in row.items()} for row in value]
            else:
                answers[key] = _scalar(field, value)
        except KeyError:
            errors[key] = [_("Trường không được hỗ trợ.")]
        except TypeError:
            errors[key] = [_("Giá trị không đúng kiểu của trường này.")]
    if errors:
        raise serializers.ValidationError({"declaration": errors})
    return answers


class ActionSerializer(StrictSerializer):
    action = serializers.ChoiceField(choices=[("approve", "approve"), ("refuse", "refuse"),
                                              ("supplement", "supplement")])
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    missing_components = serializers.ListField(child=serializers.CharField(max_length=500), required=False,
                                               max_length=50, default=list)
    result_files = UploadSerializer(many=True, required=False, max_length=10)
    expected_status = serializers.ChoiceField(choices=Status.choices, required=False)
