from django import forms
from django.conf import settings
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from portal.models import Unit, UnitLevel

from .models import (
    ComponentRequirement,
    Fee,
    Field,
    LegalDocument,
    OnlineLevel,
    Procedure,
    ProcedureMethod,
    ProcedureVersion,
    RouteStep,
)
from .text import nfc


class CatalogueFilterForm(forms.Form):
    """Public search and filters. Every field optional; invalid values are simply ignored."""

    q = forms.CharField(label=_("Từ khóa"), required=False)
    field = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=Field.objects.all(), required=False,
                                   empty_label=_("Tất cả lĩnh vực"))
    level = forms.ModelChoiceField(label=_("Cấp thực hiện"), queryset=UnitLevel.objects.all(), required=False,
                                   empty_label=_("Tất cả các cấp"))
    unit = forms.ModelChoiceField(label=_("Cơ quan"), queryset=Unit.objects.none(), required=False,
                                  empty_label=_("Tất cả cơ quan"), to_field_name="code")
    online_level = forms.TypedChoiceField(
        label=_("Mức độ trực tuyến"), choices=[("", _("Tất cả mức độ")), *OnlineLevel.choices], required=False,
        coerce=int, empty_value=None,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.active().only("pk", "name", "code", "path")

    def cleaned_or_empty(self):
        """The valid filters; an invalid one (a stale link) is dropped rather than refused."""
        self.is_valid()
        data = dict(getattr(self, "cleaned_data", {}))
        for name in self.errors:
            data.pop(name, None)
        return {
            "query": nfc(data.get("q") or "")[:200],
            "field": data.get("field"),
            "level": data.get("level"),
            "unit": data.get("unit"),
            "online_level": data.get("online_level"),
        }


class EditorFilterForm(forms.Form):
    q = forms.CharField(label=_("Tên hoặc mã thủ tục"), required=False, max_length=200)
    field = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=Field.objects.all(), required=False,
                                   empty_label=_("Tất cả lĩnh vực"))
    status = forms.ChoiceField(
        label=_("Tình trạng"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            ("published", _("Đang có hiệu lực")),
            ("draft", _("Có bản nháp")),
            ("retired", _("Đã bãi bỏ")),
        ],
    )


TEMPLATE_EXTENSIONS = {"pdf", "doc", "docx", "odt", "xls", "xlsx", "ods", "rtf"}
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionForm(forms.ModelForm):
    class Meta:
        model = ProcedureVersion
        fields = [
            "name", "decision_number", "effective_from", "authority_level", "other_levels", "implementing_units",
            "receiving_units", "subjects", "result", "requirements", "online_level", "time_unit",
            "processing_time", "processing_time_note", "settled_on_spot",
            "supplement_clock_rule", "supplement_window_days", "fee_payment", "legal_documents", "change_note",
        ]
        widgets = {
            "effective_from": DATE_INPUT,
            "subjects": forms.Textarea(attrs={"rows": 2}),
            "result": forms.Textarea(attrs={"rows": 2}),
            "requirements": forms.Textarea(attrs={"rows": 3}),
            "implementing_units": forms.SelectMultiple(attrs={"size": 6}),
            "receiving_units": forms.SelectMultiple(attrs={"size": 6}),
            "legal_documents": forms.SelectMultiple(attrs={"size": 6}),
            "other_levels": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority_level"].required = True
        units = Unit.objects.active().select_related("level")
        self.fields["implementing_units"].queryset = units
        self.fields["receiving_units"].queryset = units
        self.fields["legal_documents"].queryset = LegalDocument.objects.all()

    def clean_name(self):
        return nfc(self.cleaned_data["name"]).strip()

    def clean(self):
        data = super().clean()
        # The main level ticked again among the others says nothing more.
        if data.get("other_levels") is not None and data.get("authority_level"):
            data["other_levels"] = data["other_levels"].exclude(pk=data["authority_level"].pk)
        return data


class ProcedureForm(forms.ModelForm):
    class Meta:
        model = Procedure
        fields = ["national_code", "field", "managing_unit"]

    def __init__(self, *args, units=None, unit_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["managing_unit"].queryset = units
        # An editor below the province must name one of their units, or lose the procedure.
        self.fields["managing_unit"].required = unit_required
        self.fields["national_code"].widget.attrs["placeholder"] = "1.001193"


class FieldForm(forms.ModelForm):
    class Meta:
        model = Field
        fields = ["code", "name"]
        help_texts = {"code": _("Chữ thường không dấu, nối bằng dấu gạch ngang, ví dụ: ho-tich.")}

    def clean_name(self):
        return nfc(self.cleaned_data["name"]).strip()


class LegalDocumentForm(forms.ModelForm):
    class Meta:
        model = LegalDocument
        fields = ["number", "title", "issuer", "issued_on", "effective_from", "expired_on", "replaced_by"]
        widgets = {"issued_on": DATE_INPUT, "effective_from": DATE_INPUT, "expired_on": DATE_INPUT,
                   "title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = LegalDocument.objects.all()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["replaced_by"].queryset = others

    def clean_number(self):
        return nfc(self.cleaned_data["number"]).strip()

    def clean(self):
        data = super().clean()
        start, end = data.get("effective_from"), data.get("expired_on")
        if start and end and end < start:
            self.add_error("expired_on", _("Ngày hết hiệu lực phải sau ngày có hiệu lực."))
        return data


class RowFormSet(BaseInlineFormSet):
    """Child rows of a version, edited together on the version page."""


class RowForm(forms.ModelForm):
    """A table row: Bootstrap classes on the bare widgets (rendered without labels)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif isinstance(widget, forms.ClearableFileInput):
                widget.attrs.setdefault("class", "form-control form-control-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")
            widget.attrs.setdefault("aria-label", str(field.label))
        if "order" in self.fields:
            # Left empty, a new row goes to the end (see procedure_version_update).
            self.fields["order"].required = False
            self.fields["order"].initial = None
            self.fields["order"].widget.attrs["style"] = "width: 4.5rem"


class ComponentForm(RowForm):
    class Meta:
        model = ComponentRequirement
        fields = ["order", "name", "originals", "certified_copies", "photocopies", "is_required",
                  "presented_only", "accepted_types", "form_template"]
        widgets = {"name": forms.Textarea(attrs={"rows": 2}), "form_template": forms.FileInput}

    def clean_form_template(self):
        upload = self.cleaned_data.get("form_template")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            if extension not in TEMPLATE_EXTENSIONS:
                raise forms.ValidationError(_("Mẫu đơn phải là tệp %(types)s.")
                                            % {"types": ", ".join(sorted(TEMPLATE_EXTENSIONS))})
            if upload.size > settings.UPLOAD_MAX_BYTES:
                raise forms.ValidationError(_("Tệp mẫu đơn quá lớn."))
        return upload

    def clean_accepted_types(self):
        value = self.cleaned_data.get("accepted_types", "")
        types = [t.strip().lower().lstrip(".") for t in value.split(",") if t.strip()]
        bad = [t for t in types if not t.isalnum() or len(t) > 5]
        if bad:
            raise forms.ValidationError(_("Định dạng không hợp lệ: %(types)s. Ví dụ đúng: pdf,jpg,png.")
                                        % {"types": ", ".join(bad)})
        return ",".join(types)

    def clean(self):
        data = super().clean()
        if data.get("name") and not any(data.get(k) for k in ("originals", "certified_copies", "photocopies")):
            raise forms.ValidationError(_("Nhập số lượng ít nhất một loại bản (bản chính, bản sao hoặc bản photo)."))
        return data


class StepForm(RowForm):
    class Meta:
        model = RouteStep
        fields = ["order", "is_counter", "handler_level", "handler_unit", "action", "budget"]
        widgets = {"action": forms.Textarea(attrs={"rows": 2}), "budget": forms.NumberInput(attrs={"step": "0.5"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler_unit"].queryset = Unit.objects.active()

    def clean(self):
        data = super().clean()
        if self.cleaned_data.get("DELETE") or not data.get("action"):
            return data
        if data.get("handler_level") and data.get("handler_unit"):
            raise forms.ValidationError(_("Chọn cấp xử lý hoặc đơn vị xử lý, không chọn cả hai."))
        if not (data.get("handler_level") or data.get("handler_unit") or data.get("is_counter")):
            raise forms.ValidationError(_("Chọn nơi xử lý bước này: bộ phận một cửa, một cấp hoặc một đơn vị."))
        return data


class MethodForm(RowForm):
    class Meta:
        model = ProcedureMethod
        fields = ["channel", "processing_time", "fee_amount", "fee_text", "fee_note"]


class FeeForm(RowForm):
    class Meta:
        model = Fee
        fields = ["order", "name", "amount", "amount_text", "exemptions", "is_optional"]
        widgets = {"exemptions": forms.Textarea(attrs={"rows": 2})}


def _formset(model, form, extra):
    return inlineformset_factory(
        ProcedureVersion, model, form=form, formset=RowFormSet, fk_name="version", extra=extra, can_delete=True
    )


ComponentFormSet = _formset(ComponentRequirement, ComponentForm, 1)
StepFormSet = _formset(RouteStep, StepForm, 1)
MethodFormSet = _formset(ProcedureMethod, MethodForm, 0)
FeeFormSet = _formset(Fee, FeeForm, 0)

FORMSETS = [
    ("components", ComponentFormSet, _("Thành phần hồ sơ")),
    ("steps", StepFormSet, _("Quy trình giải quyết")),
    ("methods", MethodFormSet, _("Cách thức thực hiện")),
    ("fees", FeeFormSet, _("Phí, lệ phí")),
]


def version_formsets(version, data=None, files=None):
    return {
        prefix: cls(data, files, instance=version, prefix=prefix) for prefix, cls, _label in FORMSETS
    }


class RetireForm(forms.Form):
    on = forms.DateField(
        label=_("Bãi bỏ từ ngày"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh mục"),
        help_text=_("CSV (UTF-8), XLSX hoặc JSON theo định dạng mô tả trong tài liệu hướng dẫn."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        ext = name.rsplit(".", 1)[-1] if "." in name else ""
        if ext not in {"csv", "xlsx", "json"}:
            raise forms.ValidationError(_("Chỉ nhận tệp .csv, .xlsx hoặc .json."))
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 20 MB)."))
        upload.import_format = ext
        return upload


class LegalDocumentsUploadForm(ImportUploadForm):
    """The separate file of legal documents (docs/catalogue-import-format.md)."""

    file = forms.FileField(
        label=_("Tệp văn bản pháp lý"),
        help_text=_("CSV (UTF-8), XLSX hoặc JSON với các cột so_ky_hieu, trich_yeu, co_quan_ban_hanh, "
                    "ngay_ban_hanh, hieu_luc_tu, het_hieu_luc_tu, thay_the_boi."),
    )
