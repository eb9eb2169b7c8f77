"""The editor's screen for the electronic declaration of a component: a builder (add,
remove, move fields), the JSON for power users, the shipped official forms to start from,
and a preview with the same widgets citizens and clerks see. No Django admin."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import Role
from portal.permissions import role_required

from . import selectors, services
from .eforms import builder, library
from .eforms.render import section_widgets
from .eforms.schema import FIELD_TYPES, definition_errors
from .eforms.validation import text
from .models import ComponentRequirement

TYPE_LABELS = {
    "text": gettext_lazy("Văn bản ngắn"), "textarea": gettext_lazy("Văn bản dài"), "number": gettext_lazy("Số"),
    "date": gettext_lazy("Ngày"), "boolean": gettext_lazy("Có/Không"), "choice": gettext_lazy("Danh sách chọn"),
    "personal_id": gettext_lazy("Số định danh cá nhân"), "phone": gettext_lazy("Số điện thoại"),
    "email": gettext_lazy("Thư điện tử"), "address": gettext_lazy("Địa chỉ (tỉnh, xã)"),
    "ethnicity": gettext_lazy("Dân tộc"), "nationality": gettext_lazy("Quốc tịch"),
    "group": gettext_lazy("Nhóm lặp lại"), "file": gettext_lazy("Tệp đính kèm"),
}


class FieldBuilderForm(forms.Form):
    section_key = forms.SlugField(label=gettext_lazy("Mã phần"), max_length=40)
    section_title = forms.CharField(label=gettext_lazy("Tên phần (nếu là phần mới)"), max_length=200, required=False)
    key = forms.RegexField(label=gettext_lazy("Mã trường"), regex=r"^[a-z][a-z0-9_]{0,39}$",
                           error_messages={"invalid": gettext_lazy("Mã trường gồm chữ thường không dấu, số, dấu _.")})
    type = forms.ChoiceField(label=gettext_lazy("Kiểu"), choices=[(t, TYPE_LABELS[t]) for t in FIELD_TYPES
                                                                  if t != "group"])
    label_vi = forms.CharField(label=gettext_lazy("Nhãn tiếng Việt"), max_length=200)
    label_en = forms.CharField(label=gettext_lazy("Nhãn tiếng Anh"), max_length=200, required=False)
    help_vi = forms.CharField(label=gettext_lazy("Hướng dẫn"), max_length=300, required=False)
    required = forms.BooleanField(label=gettext_lazy("Bắt buộc"), required=False)
    options = forms.CharField(label=gettext_lazy("Lựa chọn (mỗi dòng: giá trị|nhãn)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def field(self):
        data = self.cleaned_data
        field = {"key": data["key"], "type": data["type"], "label": {"vi": data["label_vi"]}}
        if data["label_en"]:
            field["label"]["en"] = data["label_en"]
        if data["help_vi"]:
            field["help"] = {"vi": data["help_vi"]}
        if data["required"]:
            field["required"] = True
        if data["type"] == "choice":
            options = []
            for line in data["options"].splitlines():
                value, _sep, label = line.partition("|")
                if value.strip():
                    options.append({"value": value.strip(), "label": {"vi": (label or value).strip()}})
            field["options"] = options
        return field


def _component(request, pk):
    return get_object_or_404(
        ComponentRequirement.objects.select_related("version__procedure").filter(
            version__procedure__in=selectors.procedures_managed_by(request.user)),
        pk=pk)


def _preview(definition):
    if not definition or definition_errors(definition):
        return []
    return [{"title": text(s["title"]), "widgets": section_widgets(s, {f["key"]: f.get("default", "")
                                                                     for f in s["fields"] if "default" in f},
                                                                  prefix=f"preview-{s['key']}")}
            for s in definition["sections"]]


@role_required(Role.EDITOR)
def component_eform(request, pk):
    component = _component(request, pk)
    version = component.version
    definition = component.eform or {}
    json_text = json.dumps(builder.canonical(definition), ensure_ascii=False, indent=2) if definition else ""
    builder_form = FieldBuilderForm(prefix="b")
    json_error = None
    if request.method == "POST" and version.is_draft:
        action = request.POST.get("action")
        new = None
        if action == "save_json":
            json_text = request.POST.get("definition", "")
            try:
                new = json.loads(json_text) if json_text.strip() else {}
            except json.JSONDecodeError as error:
                json_error = _("JSON không hợp lệ ở dòng %(line)s, cột %(col)s: %(msg)s") % {
                    "line": error.lineno, "col": error.colno, "msg": error.msg}
        elif action == "load":
            try:
                new = library.load(request.POST.get("shipped", ""))
            except KeyError:
                messages.error(request, _("Không có mẫu tờ khai này."))
        elif action == "add_field":
            builder_form = FieldBuilderForm(request.POST, prefix="b")
            if builder_form.is_valid():
                data = builder_form.cleaned_data
                new = builder.add_field(definition, section_key=data["section_key"].replace("-", "_"),
                                        section_title=data["section_title"], field=builder_form.field())
        elif action in ("remove", "up", "down"):
            key = request.POST.get("key", "")
            new = builder.remove_field(definition, key) if action == "remove" else builder.move_field(
                definition, key, -1 if action == "up" else 1)
        elif action == "clear":
            new = {}
        if new is not None:
            try:
                services.component_eform_save(component=component, user=request.user, definition=new)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                problems = definition_errors(new) if new else []
                if problems:
                    messages.warning(request, _("Đã lưu, nhưng tờ khai còn lỗi: phiên bản chưa công bố được cho "
                                                "đến khi sửa xong."))
                else:
                    messages.success(request, _("Đã lưu tờ khai điện tử."))
                return redirect("procedures:component_eform", pk=component.pk)
    errors = definition_errors(definition) if definition else []
    fields = [(s, f) for s in definition.get("sections", []) if isinstance(s, dict)
              for f in s.get("fields", []) if isinstance(f, dict)] if not errors else []
    return render(request, "procedures/eform_edit.html", {
        "component": component, "version": version, "procedure": version.procedure, "json_text": json_text,
        "json_error": json_error, "errors": errors, "preview": _preview(definition), "builder_form": builder_form,
        "shipped": library.available(),
        "fields": [{"section": text(s.get("title")), "key": f.get("key"), "label": text(f.get("label")),
                    "type": TYPE_LABELS.get(f.get("type"), f.get("type")), "required": f.get("required")}
                   for s, f in fields],
        "title": text(definition.get("title")) if isinstance(definition.get("title"), dict) else "",
    }, status=400 if json_error else 200)
