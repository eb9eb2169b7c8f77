from django.urls import path, register_converter

from . import views, views_eforms

app_name = "procedures"


class NationalCodeConverter:
    """National procedure codes such as 1.001193 (optionally with a local suffix)."""

    regex = r"\d{1,2}\.\d{6}(?:\.[0-9A-Za-z.\-]+)?"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(NationalCodeConverter, "national_code")

urlpatterns = [
    path("procedures/", views.catalogue, name="catalogue"),
    path("procedures/<national_code:national_code>/", views.detail, name="detail"),
    path("procedures/<national_code:national_code>/forms/<int:pk>/", views.form_template, name="form_template"),
    path("catalogue/", views.manage, name="manage"),
    path("catalogue/new/", views.procedure_create, name="create"),
    path("catalogue/legal-basis/", views.legal_report, name="legal_report"),
    path("catalogue/fields/", views.fields, name="fields"),
    path("catalogue/fields/<int:pk>/", views.fields, name="field_edit"),
    path("catalogue/legal-documents/", views.legal_documents, name="legal_documents"),
    path("catalogue/legal-documents/import/", views.legal_documents_import, name="legal_documents_import"),
    path("catalogue/legal-documents/export/", views.legal_documents_export, name="legal_documents_export"),
    path("catalogue/legal-documents/new/", views.legal_document_edit, name="legal_document_create"),
    path("catalogue/legal-documents/<int:pk>/", views.legal_document_edit, name="legal_document_edit"),
    path("catalogue/import/", views.import_start, name="import"),
    path("catalogue/import/<int:pk>/", views.import_job, name="import_job"),
    path("catalogue/import/<int:pk>/errors/", views.import_errors, name="import_errors"),
    path("catalogue/import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("catalogue/export/", views.export, name="export"),
    path("catalogue/components/<int:pk>/form/", views.component_form_template, name="component_form_template"),
    path("catalogue/components/<int:pk>/eform/", views_eforms.component_eform, name="component_eform"),
    path("catalogue/<national_code:national_code>/v<int:number>/", views.version_edit, name="version"),
    path("catalogue/<national_code:national_code>/v<int:number>/publish/", views.version_publish, name="publish"),
    path("catalogue/<national_code:national_code>/v<int:number>/duplicate/", views.version_duplicate,
         name="duplicate"),
    path("catalogue/<national_code:national_code>/v<int:number>/retire/", views.version_retire, name="retire"),
    path("catalogue/<national_code:national_code>/v<int:number>/history/", views.version_history, name="history"),
]
