"""Forms of the counter's reception page: the applicant, one checklist line per component
(its scans are staged by the view), and the action with its reason and the form's token."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dossiers.forms import OptionalFeesMixin
from dossiers.models import Channel, Dossier
from portal.validators import normalise_phone


class ApplicantForm(OptionalFeesMixin, forms.ModelForm):
    """Applicant data and reception options, as the clerk types them (or as looked up)."""

    class Meta:
        model = Dossier
        fields = [
            "applicant_personal_id", "applicant_name", "applicant_birth_date", "applicant_phone",
            "applicant_email", "applicant_address", "organisation_name", "organisation_tax_code",
            "representative_name", "representative_personal_id", "delivery", "sets_count", "is_priority", "note",
            "intake_tracking_number",
        ]
        widgets = {
            "applicant_birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "applicant_personal_id": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 12,
                                                            "autocomplete": "off"}),
            "applicant_phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    channel = forms.TypedChoiceField(
        label=_("Kênh nộp"), coerce=int, initial=Channel.COUNTER, widget=forms.RadioSelect, required=False,
        empty_value=Channel.COUNTER,
        choices=[(Channel.COUNTER, _("Trực tiếp tại quầy")), (Channel.POSTAL, _("Qua bưu chính công ích"))])

    def __init__(self, *args, require_personal_id=True, optional_fees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.optional_fees = list(optional_fees)
        self.add_optional_fees(self.optional_fees)
        self.fields["intake_tracking_number"].help_text = _("Bắt buộc khi hồ sơ gửi qua bưu chính.")
        self.fields["applicant_personal_id"].required = require_personal_id
        self.fields["applicant_phone"].required = True
        self.fields["sets_count"].widget.attrs["min"] = 1

    def clean(self):
        data = super().clean()
        if data.get("channel") == Channel.POSTAL and not (data.get("intake_tracking_number") or "").strip():
            self.add_error("intake_tracking_number", _("Hồ sơ gửi qua bưu chính: ghi số hiệu bưu gửi."))
        return data

    def clean_applicant_phone(self):
        return normalise_phone(self.cleaned_data["applicant_phone"])

    def applicant_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k.startswith(("applicant_", "organisation_",
                                                                              "representative_"))}

    def options(self):
        return {**{k: self.cleaned_data[k] for k in ("delivery", "sets_count", "is_priority", "note", "channel",
                                                     "intake_tracking_number")},
                "requested_fees": self.requested_fees}

    @property
    def requested_fees(self):
        """(optional fee, quantity) pairs the applicant asked for (copies of the extract)."""
        by_pk = {fee.pk: fee for fee in self.optional_fees}
        return [(by_pk[pk], quantity) for pk, quantity in self.requested_quantities().items() if pk in by_pk]


class ComponentForm(forms.Form):
    """One line of the component checklist. Its scans (`<prefix>-files`, several allowed) are
    read by the view and staged one by one, so one bad file does not lose the good ones."""

    received = forms.BooleanField(label=_("Đã nhận"), required=False)
    originals = forms.IntegerField(label=_("Bản chính"), min_value=0, max_value=99, initial=0)
    certified_copies = forms.IntegerField(label=_("Bản sao chứng thực"), min_value=0, max_value=99, initial=0)
    photocopies = forms.IntegerField(label=_("Bản photo"), min_value=0, max_value=99, initial=0)

    def __init__(self, *args, requirement, **kwargs):
        self.requirement = requirement
        kwargs.setdefault("prefix", f"c{requirement.pk}")
        kwargs.setdefault("initial", {
            "originals": requirement.originals, "certified_copies": requirement.certified_copies,
            "photocopies": requirement.photocopies, "received": False,
        })
        super().__init__(*args, **kwargs)
        self.files_name = f"{self.prefix}-files"
        self.staged = []
        self.upload_errors = []

    def line(self):
        """The checklist line, as the reception services take it."""
        data = self.cleaned_data
        return {"requirement": self.requirement, "received": bool(data.get("received")),
                "originals": data["originals"], "certified_copies": data["certified_copies"],
                "photocopies": data["photocopies"]}


class ReceptionActionForm(forms.Form):
    ACTIONS = [
        ("receive", _("Tiếp nhận hồ sơ")),
        ("settle", _("Giải quyết ngay")),
        ("completion", _("Yêu cầu bổ sung, hoàn thiện")),
        ("refuse", _("Từ chối tiếp nhận")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    reason = forms.CharField(label=_("Lý do (bắt buộc khi yêu cầu bổ sung hoặc từ chối)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    form_token = forms.UUIDField(widget=forms.HiddenInput)
