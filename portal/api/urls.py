"""/api/v1/: the integration API (issue 17). The schema and its documentation page are public
(the catalogue is too); everything about dossiers needs a client key."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from procedures.api import views as catalogue
from workflow.api import views as dossiers

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("procedures/", catalogue.ProcedureList.as_view(), name="procedures"),
    path("procedures/<str:national_code>/", catalogue.ProcedureDetail.as_view(), name="procedure"),
    path("dossiers/", dossiers.DossierListCreate.as_view(), name="dossiers"),
    path("dossiers/<str:code>/", dossiers.DossierDetail.as_view(), name="dossier"),
    path("dossiers/<str:code>/events/", dossiers.DossierEvents.as_view(), name="dossier_events"),
    path("dossiers/<str:code>/result/", dossiers.DossierResult.as_view(), name="dossier_result"),
    path("dossiers/<str:code>/files/<int:file_id>/", dossiers.DossierFileDownload.as_view(), name="dossier_file"),
    path("dossiers/<str:code>/actions/", dossiers.DossierAction.as_view(), name="dossier_action"),
]
