from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from dossiers.forms import OptionalFeesMixin
from dossiers.models import Delivery
from portal.validators import normalise_phone, validate_personal_id, validate_phone

from .models import Feedback, Rating

REQUIRED = _("Vui lòng nhập %(field)s.")


def _required_messages(form):
    """Vietnamese 'required' messages that name the field."""
    for field in form.fields.values():
        field.error_messages["required"] = REQUIRED % {"field": str(field.label).lower()}


class PersonalIdField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Số định danh cá nhân (12 số trên thẻ CCCD)"))
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("min_length", None)
        super().__init__(**kwargs)
        self.validators.append(validate_personal_id)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"})

    def to_python(self, value):
        return "".join((super().to_python(value) or "").split())


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Số điện thoại"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.validators.append(validate_phone)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value):
        value = super().clean(value)
        return normalise_phone(value) if value else value


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    personal_id = PersonalIdField()
    phone = PhoneField()
    email = forms.EmailField(label=_("Thư điện tử"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(label=_("Mật khẩu"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("Ít nhất 10 ký tự, không quá giống thông tin cá nhân, "
                                            "không phải mật khẩu phổ biến, không chỉ gồm số."))
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)
        self.fields["email"].error_messages["invalid"] = _("Thư điện tử không hợp lệ (ví dụ ten@example.vn).")

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Hai mật khẩu không khớp nhau."))
        elif p1:
            from portal.models import User

            probe = User(username=data.get("personal_id") or "", full_name=data.get("full_name") or "",
                         email=data.get("email") or "")
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ActivationForm(forms.Form):
    password1 = forms.CharField(label=_("Mật khẩu mới"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        _required_messages(self)

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Hai mật khẩu không khớp nhau."))
        elif p1:
            try:
                password_validation.validate_password(p1, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class AssistedAccountForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    personal_id = PersonalIdField()
    phone = PhoneField()
    email = forms.EmailField(label=_("Thư điện tử (không bắt buộc)"), required=False)
    reclaim = forms.BooleanField(
        label=_("Số định danh đã bị người khác đăng ký: thu hồi về cho người đến quầy"), required=False,
        help_text=_("Chỉ chọn sau khi đã đối chiếu thẻ căn cước của người đến quầy. Tài khoản đã đăng ký trước bị "
                    "khóa và mất số định danh; hồ sơ của tài khoản đó được giữ nguyên."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    phone = PhoneField()
    email = forms.EmailField(label=_("Thư điện tử"))
    birth_date = forms.DateField(label=_("Ngày sinh"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    address = forms.CharField(label=_("Địa chỉ thường trú"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)


class PhoneCodeForm(forms.Form):
    code = forms.CharField(label=_("Mã xác thực (6 số)"), max_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class ApplicantForm(forms.Form):
    """Step 1 of the online wizard: who applies, pre-filled from the profile."""

    applicant_name = forms.CharField(label=_("Họ và tên người nộp"), max_length=150)
    applicant_personal_id = PersonalIdField()
    applicant_birth_date = forms.DateField(label=_("Ngày sinh"), required=False,
                                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    applicant_phone = PhoneField()
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=300)
    unit = forms.ChoiceField(label=_("Nơi tiếp nhận hồ sơ"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("— Chọn nơi tiếp nhận —"))] + [(str(u.pk), u.name) for u in units]
        _required_messages(self)
        self.fields["unit"].error_messages["required"] = _("Vui lòng chọn nơi tiếp nhận hồ sơ.")

    def as_draft(self):
        data = dict(self.cleaned_data)
        data["applicant_birth_date"] = data["applicant_birth_date"].isoformat() if data["applicant_birth_date"] else ""
        return data


class DeliveryForm(OptionalFeesMixin, forms.Form):
    """How the result is delivered and, for each optional fee of the procedure (copies of the
    extract), how many the applicant asks for: 0 unless they say so (dossiers/fees.py)."""

    delivery = forms.ChoiceField(label=_("Hình thức nhận kết quả"), widget=forms.RadioSelect)

    def __init__(self, *args, choices=(), optional_fees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery"].choices = choices or Delivery.choices
        self.fields["delivery"].error_messages["required"] = _("Vui lòng chọn cách nhận kết quả.")
        self.add_optional_fees(optional_fees)


class DeclarationForm(forms.Form):
    declaration = forms.BooleanField(
        label=_("Tôi cam đoan những thông tin đã khai và giấy tờ đã nộp là đúng sự thật và chịu trách nhiệm "
                "trước pháp luật."),
        error_messages={"required": _("Vui lòng đánh dấu ô cam đoan trước khi nộp hồ sơ.")},
    )


class SupplementForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú cho cán bộ (không bắt buộc)"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Lý do rút hồ sơ"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Mức độ hài lòng"), choices=Rating.Score.choices, coerce=int,
                                   widget=forms.RadioSelect,
                                   error_messages={"required": _("Vui lòng chọn một mức độ hài lòng.")})
    aspects = forms.MultipleChoiceField(label=_("Khía cạnh bạn muốn nhận xét (không bắt buộc)"),
                                        choices=Rating.Aspect.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    comment = forms.CharField(label=_("Ý kiến khác (không bắt buộc)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["kind", "sender_name", "sender_email", "sender_phone", "dossier_code", "subject", "body"]
        widgets = {"kind": forms.RadioSelect, "body": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)
        self.fields["sender_phone"].validators.append(validate_phone)

    def clean(self):
        data = super().clean()
        if not data.get("sender_email") and not data.get("sender_phone"):
            raise forms.ValidationError(_("Để lại thư điện tử hoặc số điện thoại để nhận trả lời."))
        return data


class FeedbackLookupForm(forms.Form):
    code = forms.CharField(label=_("Mã theo dõi phản ánh"), max_length=16)


class FeedbackAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Nội dung trả lời"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)


class CounterPaymentForm(forms.Form):
    amount = forms.IntegerField(label=_("Số tiền đã thu (đồng)"), min_value=1)
    note = forms.CharField(label=_("Số biên lai, ghi chú"), max_length=200, required=False)
