from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Luân chuyển và xử lý")

    def ready(self):
        # Django's place for connecting receivers, once the models are loaded: the outbox writes
        # its notification rows from every dossier event (workflow.notifications.outbox), and
        # the calls to other systems (webhooks, the national portal: workflow.api.outbound).
        from workflow.api import outbound  # noqa: F401
        from workflow.notifications import outbox  # noqa: F401
