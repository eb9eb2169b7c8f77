from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Luân chuyển và xử lý")

    def ready(self):
        from workflow.routing import services  # noqa: F401  (connect the route and outbox receivers)
