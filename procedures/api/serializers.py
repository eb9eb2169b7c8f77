"""The published catalogue as the integration API shows it (read only)."""

from rest_framework import serializers

from procedures.models import ComponentRequirement, Fee, LegalDocument, ProcedureMethod, ProcedureVersion, RouteStep


class MethodSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcedureMethod
        fields = ["channel", "processing_time", "fee_amount", "fee_note", "description"]


class FeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Fee
        fields = ["order", "name", "amount", "exemptions", "is_optional"]


class RequirementSerializer(serializers.ModelSerializer):
    has_form_template = serializers.SerializerMethodField()
    has_eform = serializers.SerializerMethodField()

    class Meta:
        model = ComponentRequirement
        fields = ["id", "order", "name", "originals", "certified_copies", "photocopies", "is_required", "note",
                  "has_form_template", "has_eform"]

    def get_has_form_template(self, obj) -> bool:
        return bool(obj.form_template)

    def get_has_eform(self, obj) -> bool:
        return bool(obj.eform)


class RouteStepSerializer(serializers.ModelSerializer):
    handler_level = serializers.CharField(source="handler_level.code", default=None, allow_null=True)
    handler_unit = serializers.CharField(source="handler_unit.code", default=None, allow_null=True)

    class Meta:
        model = RouteStep
        fields = ["order", "is_counter", "handler_level", "handler_unit", "action", "budget"]


class LegalDocumentSerializer(serializers.ModelSerializer):
    replaced_by = serializers.CharField(source="replaced_by.number", default=None, allow_null=True)

    class Meta:
        model = LegalDocument
        fields = ["number", "title", "issuer", "issued_on", "effective_from", "expired_on", "replaced_by"]


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ProcedureSummarySerializer(serializers.ModelSerializer):
    national_code = serializers.CharField(source="procedure.national_code")
    field = serializers.CharField(source="procedure.field.code")
    version = serializers.IntegerField(source="number")
    authority_level = serializers.CharField(source="authority_level.code", default=None, allow_null=True)

    class Meta:
        model = ProcedureVersion
        fields = ["national_code", "name", "field", "version", "effective_from", "effective_to", "authority_level",
                  "online_level", "processing_time", "time_unit"]


class ProcedureDetailSerializer(ProcedureSummarySerializer):
    methods = MethodSerializer(many=True)
    fees = FeeSerializer(many=True)
    components = RequirementSerializer(many=True)
    steps = RouteStepSerializer(many=True)
    legal_documents = LegalDocumentSerializer(many=True)
    receiving_units = UnitRefSerializer(many=True)
    implementing_units = UnitRefSerializer(many=True)

    class Meta(ProcedureSummarySerializer.Meta):
        fields = [*ProcedureSummarySerializer.Meta.fields, "decision_number", "subjects", "result", "requirements",
                  "settled_on_spot", "methods", "fees", "components", "steps", "legal_documents",
                  "receiving_units", "implementing_units"]
