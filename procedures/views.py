"""Public catalogue and the catalogue editor's screens. Views parse input, check permission,
call one service or selector, render."""

import mimetypes
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count
from django.forms import ModelChoiceField, Select
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.db_router import replica_view
from portal.models import Role, WorkSchedule
from portal.paging import page_of, query_without_page
from portal.permissions import role_required

from . import catalogue_cache, selectors, services
from .forms import (
    FORMSETS,
    CatalogueFilterForm,
    EditorFilterForm,
    FieldForm,
    ImportUploadForm,
    LegalDocumentForm,
    LegalDocumentsUploadForm,
    ProcedureForm,
    RetireForm,
    VersionForm,
    version_formsets,
)
from .importing.documents import documents_import, export_documents
from .importing.export import export_errors, export_procedures
from .importing.jobs import import_job_confirm, import_job_create, job_progress
from .models import ComponentRequirement, Field, ImportJob, LegalDocument, ProcedureVersion, TimeUnit

PUBLIC_PAGE_SIZE = 20
EDITOR_PAGE_SIZE = 50
IMPORT_PAGE_SIZE = 100
M2M_FIELDS = ("implementing_units", "receiving_units", "legal_documents", "other_levels")


# --- public ----------------------------------------------------------------------------------


def catalogue(request):
    """Public catalogue: accent-insensitive search and filters (URL contract: /procedures/).
    The filters and results are cached per query until the catalogue changes
    (procedures/catalogue_cache.py); the page around them is not."""
    key = catalogue_cache.content_key(request.GET)
    content = cache.get(key)
    if content is None:
        form = CatalogueFilterForm(request.GET or None)
        filters = form.cleaned_or_empty() if request.GET else {"query": ""}
        versions = selectors.public_versions(**filters)
        page = page_of(request, versions, PUBLIC_PAGE_SIZE)
        querystring = urlencode([(name, request.GET[name]) for name in catalogue_cache.PARAMS
                                 if name != "page" and request.GET.get(name)])
        content = render_to_string(
            "procedures/_catalogue_content.html",
            {"form": form, "page": page, "query": filters["query"], "querystring": querystring,
             "filtered": any(v for v in filters.values()),
             "filters_active": any(filters.get(k) for k in ("field", "level", "unit", "online_level"))},
            request=request,
        )
        cache.set(key, content, catalogue_cache.TIMEOUT)
    return render(request, "procedures/catalogue.html", {"content": mark_safe(content)})  # noqa: S308 - rendered


def detail(request, national_code):
    """Public detail of a procedure (URL contract: /procedures/<national code>/)."""
    procedure, version = selectors.public_procedure_detail(national_code=national_code)
    return render(
        request,
        "procedures/detail.html",
        {"procedure": procedure, "version": version, "submit_url": _submit_url(procedure),
         "forwarding_cutoff": _forwarding_cutoff() if version and version.time_unit == TimeUnit.SAME_DAY else None},
    )


def _forwarding_cutoff():
    """The cut-off of paper reception, one for all procedures: the default work schedule's."""
    schedule = WorkSchedule.default()
    return schedule.forwarding_cutoff if schedule else None


def _submit_url(procedure):
    """Online submission belongs to the citizens app; link to it when it is there."""
    try:
        return reverse("citizens:submit", args=[procedure.national_code])
    except NoReverseMatch:
        return f"{reverse('citizens:my_dossiers')}?procedure={procedure.national_code}"


def form_template(request, national_code, pk):
    """Download a form template (mẫu đơn) of a version in force; files are never served from
    a public path."""
    component = selectors.public_component(pk=pk)
    if component.version.procedure.national_code != national_code:
        raise Http404
    return _file_response(component)


def _file_response(component):
    if not component.form_template:
        raise Http404
    try:
        handle = component.form_template.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    filename = component.form_template.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


# --- editor ----------------------------------------------------------------------------------


@role_required(Role.EDITOR)
def manage(request):
    """Catalogue editor's home: the procedures this editor manages."""
    form = EditorFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    procedures = selectors.editor_procedure_list(
        user=request.user, query=data.get("q") or "", field=data.get("field"), status=data.get("status")
    )
    page = page_of(request, procedures, EDITOR_PAGE_SIZE)
    return render(
        request,
        "procedures/manage.html",
        {"form": form, "page": page, "querystring": query_without_page(request)},
    )


@role_required(Role.EDITOR)
def procedure_create(request):
    units = selectors.editor_units(request.user)
    procedure_form = ProcedureForm(request.POST or None, units=units, prefix="procedure",
                                   unit_required=not selectors.is_province_editor(request.user))
    version_form = VersionForm(request.POST or None, prefix="version")
    if request.method == "POST" and procedure_form.is_valid() and version_form.is_valid():
        fields = {k: v for k, v in version_form.cleaned_data.items() if k not in M2M_FIELDS}
        m2m = {k: version_form.cleaned_data[k] for k in M2M_FIELDS}
        try:
            version = services.procedure_create(
                user=request.user,
                national_code=procedure_form.cleaned_data["national_code"],
                field=procedure_form.cleaned_data["field"],
                managing_unit=procedure_form.cleaned_data["managing_unit"],
                version_fields=fields,
                m2m=m2m,
            )
        except (ValidationError, IntegrityError):
            procedure_form.add_error("national_code", _("Mã thủ tục đã có trong danh mục."))
        else:
            messages.success(request, _("Đã tạo bản nháp. Hãy nhập thành phần hồ sơ và quy trình."))
            return redirect(_version_url(version))
    return render(
        request,
        "procedures/procedure_form.html",
        {"procedure_form": procedure_form, "version_form": version_form},
    )


def _version_url(version):
    return reverse("procedures:version", args=[version.procedure.national_code, version.number])


@role_required(Role.EDITOR)
def version_edit(request, national_code, number):
    """One page for a version: its content, components, route, methods and fees. Drafts are
    editable; published and retired versions are shown read-only."""
    version = selectors.managed_version_or_404(user=request.user, national_code=national_code, number=number)
    form = formsets = None
    if version.is_draft:
        data = request.POST if request.method == "POST" else None
        files = request.FILES if request.method == "POST" else None
        form = VersionForm(data, instance=version, prefix="version")
        formsets = version_formsets(version, data, files)
        if request.method == "POST":
            if form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
                fields = {k: v for k, v in form.cleaned_data.items() if k not in M2M_FIELDS}
                m2m = {k: form.cleaned_data[k] for k in M2M_FIELDS}
                try:
                    services.procedure_version_update(
                        version=version, user=request.user, fields=fields, m2m=m2m, formsets=formsets.values()
                    )
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                else:
                    messages.success(request, _("Đã lưu bản nháp."))
                    return redirect(_version_url(version))
            else:
                messages.error(request, _("Chưa lưu được: vui lòng sửa các ô được đánh dấu bên dưới."))
    elif request.method == "POST":
        return HttpResponse(status=405)
    if formsets:
        _share_select_options(formsets.values())
    context = {
        "version": version,
        "procedure": version.procedure,
        "form": form,
        "formsets": [(prefix, label, formsets[prefix]) for prefix, _cls, label in FORMSETS] if formsets else None,
        "problems": services.publish_problems(version) if version.is_draft else [],
        "versions": version.procedure.versions.order_by("-number"),
    }
    if not version.is_draft:
        version = (
            ProcedureVersion.objects.prefetch_related(*selectors.version_detail_prefetches())
            .select_related("authority_level")
            .get(pk=version.pk)
        )
        context["version"] = version
        context["retire_form"] = RetireForm()
    return render(request, "procedures/version_edit.html", context)


def _share_select_options(formsets):
    """Every row of a formset renders the same <select> options (a route step's handler level
    and handler unit): read them once per formset, not once per row."""
    for formset in formsets:
        shared = {}
        for form in formset.forms:
            for name, field in form.fields.items():
                if isinstance(field, ModelChoiceField) and isinstance(field.widget, Select):
                    if name not in shared:
                        shared[name] = list(field.choices)
                    field.choices = shared[name]


@role_required(Role.EDITOR)
@require_POST
def version_publish(request, national_code, number):
    version = selectors.managed_version_or_404(user=request.user, national_code=national_code, number=number)
    try:
        services.procedure_version_publish(version=version, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã công bố phiên bản %(number)s.") % {"number": version.number})
    return redirect(_version_url(version))


@role_required(Role.EDITOR)
@require_POST
def version_duplicate(request, national_code, number):
    version = selectors.managed_version_or_404(user=request.user, national_code=national_code, number=number)
    copy = services.procedure_version_duplicate(version=version, user=request.user)
    messages.success(request, _("Bản nháp phiên bản %(number)s đã sẵn sàng để sửa.") % {"number": copy.number})
    return redirect(_version_url(copy))


@role_required(Role.EDITOR)
@require_POST
def version_retire(request, national_code, number):
    version = selectors.managed_version_or_404(user=request.user, national_code=national_code, number=number)
    form = RetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ngày bãi bỏ không hợp lệ."))
        return redirect(_version_url(version))
    try:
        services.procedure_version_retire(version=version, user=request.user, on=form.cleaned_data["on"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã bãi bỏ phiên bản %(number)s.") % {"number": version.number})
    return redirect(_version_url(version))


@role_required(Role.EDITOR)
def version_history(request, national_code, number):
    """Who changed what and when, for a version and its rows."""
    version = selectors.managed_version_or_404(user=request.user, national_code=national_code, number=number)
    entries = selectors.version_history(version=version)
    return render(request, "procedures/version_history.html",
                  {"version": version, "procedure": version.procedure, "entries": entries})


@role_required(Role.EDITOR)
def component_form_template(request, pk):
    component = get_object_or_404(
        ComponentRequirement.objects.select_related("version__procedure").filter(
            version__procedure__in=selectors.procedures_managed_by(request.user)
        ),
        pk=pk,
    )
    return _file_response(component)


@role_required(Role.EDITOR)
def legal_report(request):
    """Published procedures resting on an expired or replaced legal document."""
    versions = selectors.legal_basis_report(user=request.user)
    return render(request, "procedures/legal_report.html", {"versions": versions})


@role_required(Role.EDITOR)
def fields(request, pk=None):
    """Fields (lĩnh vực): the list, with a form to add one or rename the chosen one."""
    field = get_object_or_404(Field, pk=pk) if pk else None
    form = FieldForm(request.POST or None, instance=field)
    if request.method == "POST" and form.is_valid():
        services.field_save(field=field, code=form.cleaned_data["code"], name=form.cleaned_data["name"])
        messages.success(request, _("Đã lưu lĩnh vực %(name)s.") % {"name": form.cleaned_data["name"]})
        return redirect("procedures:fields")
    rows = Field.objects.annotate(procedure_count=Count("procedures")).order_by("name")
    return render(request, "procedures/fields.html", {"form": form, "field": field, "rows": rows})


@role_required(Role.EDITOR)
def legal_documents(request):
    """Legal documents (căn cứ pháp lý): editors record expiry and replacement here."""
    query = request.GET.get("q", "")[:200]
    page = page_of(request, selectors.legal_documents_with_use(query=query), EDITOR_PAGE_SIZE)
    return render(request, "procedures/legal_documents.html",
                  {"page": page, "query": query, "querystring": query_without_page(request)})


@role_required(Role.EDITOR)
def legal_document_edit(request, pk=None):
    document = get_object_or_404(LegalDocument, pk=pk) if pk else None
    form = LegalDocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_document_save(user=request.user, document=document, fields=form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Đã lưu văn bản %(number)s.") % {"number": form.cleaned_data["number"]})
            return redirect("procedures:legal_documents")
    return render(request, "procedures/legal_document_form.html", {"form": form, "document": document})


@role_required(Role.EDITOR)
def legal_documents_import(request):
    """Bulk maintenance of legal documents from a file: all rows or none."""
    form = LegalDocumentsUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        counts, errors = documents_import(user=request.user, content=upload.read(), fmt=upload.import_format)
        if counts is not None:
            messages.success(request, _("Đã nhập văn bản pháp lý: tạo mới %(create)s, cập nhật %(update)s, "
                                        "không đổi %(unchanged)s.") % counts)
            return redirect("procedures:legal_documents")
    return render(request, "procedures/legal_documents_import.html", {"form": form, "errors": errors})


@role_required(Role.EDITOR)
@replica_view
def legal_documents_export(request):
    fmt = request.GET.get("format", "csv")
    if fmt not in {"csv", "xlsx", "json"}:
        fmt = "csv"
    content, content_type = export_documents(fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="van-ban-phap-ly.{fmt}"'
    return response


# --- import / export -------------------------------------------------------------------------


@role_required(Role.EDITOR)
def import_start(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(user=request.user, upload=form.cleaned_data["file"])
        return redirect("procedures:import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user).order_by("-created_at")[:10]
    return render(request, "procedures/import_start.html", {"form": form, "jobs": jobs})


def _job_or_404(request, pk):
    return get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk, created_by=request.user)


@role_required(Role.EDITOR)
def import_job(request, pk):
    job = _job_or_404(request, pk)
    done, total = job_progress(job)
    percent = 100 if job.status in {ImportJob.Status.DONE, ImportJob.Status.PREVIEW} else (
        min(100, round(100 * done / total)) if total else 0
    )
    template = "procedures/_import_progress.html" if request.htmx else "procedures/import_job.html"
    context = {"job": job, "progress": (done, total), "percent": percent}
    if job.status == ImportJob.Status.INVALID:
        context.update(page=page_of(request, job.errors, IMPORT_PAGE_SIZE), querystring=query_without_page(request))
    elif job.status == ImportJob.Status.PREVIEW:
        action = request.GET.get("action", "")
        rows = (job.summary or {}).get("rows", [])
        if action in {"create", "update", "unchanged"}:
            rows = [r for r in rows if r["action"] == action]
        context.update(page=page_of(request, rows, IMPORT_PAGE_SIZE), action=action,
                       querystring=query_without_page(request))
    return render(request, template, context)


@role_required(Role.EDITOR)
def import_errors(request, pk):
    """The job's errors with the uploaded rows, as a spreadsheet to fix them in."""
    job = _job_or_404(request, pk)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    content, content_type = export_errors(job=job, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="loi-nhap-{job.pk}.{fmt}"'
    return response


@role_required(Role.EDITOR)
@require_POST
def import_confirm(request, pk):
    job = _job_or_404(request, pk)
    try:
        import_job_confirm(job=job, user=request.user, overwrite=request.POST.get("overwrite") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("procedures:import_job", pk=job.pk)


@role_required(Role.EDITOR)
@replica_view
def export(request):
    fmt = request.GET.get("format", "csv")
    if fmt not in {"csv", "xlsx", "json"}:
        fmt = "csv"
    content, content_type = export_procedures(procedures=selectors.procedures_managed_by(request.user), fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="danh-muc-thu-tuc.{fmt}"'
    return response
