"""Every page of the portal, by role: the list test_every_page.py walks with axe-core and the Nu checker.

The list is checked against the URL confs (``url_names()``): each named URL is either in ``PAGES`` (a
role that may open it, and how to fill its arguments from the demo data set) or in ``EXCLUDED`` with
the reason it is not a page a person reads (a file, a form target that only takes POST, a machine API).
A new URL in neither fails ``test_every_url_is_visited_or_excluded``.

The data set is the demo's (``seed_demo``: units, staff of every role, a citizen, published procedures
and dossiers in every state), built by the project's own seeders, plus a superuser for the pages of
system administration.
"""

import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import import_module

from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

# Who signs in for each role (demo accounts; "admin" is made by the test).
USERS = {
    "anonymous": None,
    "citizen": "congdan",
    "clerk": "motcua.phandinhphung",
    "officer": "chuyenvien.phandinhphung",
    "leader": "lanhdao.phandinhphung",
    "supervisor": "giamsat.tinh",
    "editor": "bientap.tinh",
    "auditor": "kiemtra.tinh",
    "admin": "quantri.e2e",
}


@dataclass
class Page:
    role: str
    kwargs: object = None  # callable() -> dict of URL arguments, evaluated when the page is visited
    query: str = ""
    status: int = 200
    extra: list = field(default_factory=list)


def _dossier(**filters):
    from dossiers.models import Dossier

    return Dossier.objects.filter(**filters).order_by("code").first()


def _staff_dossier():
    from dossiers.models import Status

    return {"code": _dossier(receiving_unit__code="H56.20.01", status=Status.PROCESSING).code}


def _citizen_dossier():
    return {"code": _dossier(citizen__username="congdan").code}


def _returned_dossier():
    from dossiers.models import Status

    return {"code": _dossier(receiving_unit__code="H56.20.01", status=Status.RETURNED).code}


def _procedure():
    from procedures.models import Procedure

    return {"national_code": Procedure.objects.filter(name__icontains="khai sinh").order_by("national_code")
            .first().national_code}


def _counter_procedure():
    """A procedure the clerk's counter receives: one of its dossiers'."""
    return {"national_code": _dossier(receiving_unit__code="H56.20.01").procedure.national_code}


def _version():
    from procedures.models import ProcedureVersion

    version = ProcedureVersion.objects.filter(procedure__name__icontains="khai sinh").order_by("number").first()
    return {"national_code": version.procedure.national_code, "number": version.number}


def _component():
    from procedures.models import ComponentRequirement

    return {"pk": ComponentRequirement.objects.filter(
        version__procedure__name__icontains="khai sinh").order_by("pk").first().pk}


def _draft():
    from citizens.models import OnlineDraft

    draft = OnlineDraft.objects.filter(citizen__username="congdan").order_by("-pk").first()
    return {"pk": draft.pk, "step": "applicant"}


def _pk(model_path, **filters):
    def kwargs():
        from django.apps import apps

        return {"pk": apps.get_model(model_path).objects.filter(**filters).order_by("pk").first().pk}
    return kwargs


def _feedback():
    from citizens.models import Feedback

    return {"code": Feedback.objects.order_by("pk").first().tracking_code}


def _unit():
    return {"code": "H56.20.01"}


def _rating_token():
    from citizens import services
    from dossiers.models import Dossier

    return {"token": services.rating_link_token(Dossier.objects.get(**_returned_dossier()))}


def _slip():
    """A refusal slip (Form 03) issued at the clerk's counter (the demo issues none)."""
    from dossiers import services
    from dossiers.models import CounterSlip
    from portal.models import Unit, User
    from procedures.models import ProcedureVersion

    slip = CounterSlip.objects.filter(unit__code="H56.20.01").order_by("pk").first()
    if slip is None:
        version = ProcedureVersion.objects.filter(procedure__national_code=_procedure()["national_code"]).first()
        slip = services.counter_slip_issue(
            clerk=User.objects.get(username=USERS["clerk"]), unit=Unit.objects.get(code="H56.20.01"), version=version,
            kind=CounterSlip.Kind.REFUSAL, applicant={"applicant_name": "Trần Thị Bích"}, missing_components=[],
            reason="Hồ sơ không thuộc thẩm quyền giải quyết của đơn vị.")
    return {"pk": slip.pk}


PAGES: dict[str, list[Page]] = {
    # Public.
    "index": [Page("anonymous")],
    "home": [Page("anonymous"), Page("citizen"), Page("clerk")],
    "login": [Page("anonymous")],
    "password_reset": [Page("anonymous")],
    "password_reset_done": [Page("anonymous")],
    "password_reset_complete": [Page("anonymous")],
    "procedures:catalogue": [Page("anonymous"), Page("anonymous", query="?q=khai+sinh")],
    "procedures:detail": [Page("anonymous", _procedure), Page("citizen", _procedure)],
    "dossiers:track": [Page("anonymous")],
    "dossiers:result_check": [Page("anonymous")],
    "workflow:disclosure": [Page("anonymous")],
    "citizens:signup": [Page("anonymous")],
    "citizens:feedback_new": [Page("anonymous")],
    "citizens:feedback_lookup": [Page("anonymous")],
    "citizens:feedback_detail": [Page("anonymous", _feedback)],
    "citizens:guide": [Page("anonymous", _procedure)],
    "citizens:rate_by_link": [Page("anonymous", _rating_token), Page("anonymous", lambda: {"token": "x"},
                                                                       status=404)],
    "citizens:verification_resend": [Page("anonymous")],
    # Citizen.
    "citizens:my_dossiers": [Page("citizen")],
    "citizens:wallet": [Page("citizen")],
    "citizens:dossier": [Page("citizen", _citizen_dossier)],
    "citizens:profile": [Page("citizen")],
    "citizens:submit": [Page("citizen", _procedure)],  # starts a draft and opens its first step
    "citizens:draft_step": [Page("citizen", _draft)],
    "password_change": [Page("citizen")],
    "password_change_done": [Page("citizen")],
    # Counter clerk.
    "dossiers:counter": [Page("clerk")],
    "dossiers:slip": [Page("clerk", _slip)],
    "workflow:receive_pick": [Page("clerk"), Page("clerk", query="?q=khai")],
    "workflow:receive": [Page("clerk", _counter_procedure)],
    "workflow:tracking_book": [Page("clerk")],
    "citizens:assisted_account": [Page("clerk")],
    "citizens:rating_kiosk": [Page("clerk", _returned_dossier)],
    "workflow:dossier": [Page("clerk", _staff_dossier), Page("officer", _staff_dossier)],
    "citizens:counter_payment": [Page("clerk", _staff_dossier)],
    "unit_list": [Page("clerk")],
    "unit_detail": [Page("clerk", _unit)],
    "workflow:notifications": [Page("clerk")],
    "workflow:notification_preferences": [Page("clerk")],
    "mfa_setup": [Page("clerk")],
    # Officer, leader, supervisor.
    "workflow:inbox": [Page("officer"), Page("leader")],
    "workflow:overview": [Page("leader"), Page("supervisor")],
    "workflow:supervision": [Page("supervisor")],
    "workflow:supervision_dossiers": [Page("supervisor")],
    "workflow:statistics": [Page("supervisor")],
    "workflow:notification_failures": [Page("supervisor")],
    "integration:national": [Page("supervisor")],
    "citizens:feedback_manage": [Page("supervisor")],
    "citizens:feedback_answer": [Page("supervisor", _feedback)],
    # Catalogue editor.
    "procedures:manage": [Page("editor")],
    "procedures:create": [Page("editor")],
    "procedures:legal_report": [Page("editor")],
    "procedures:fields": [Page("editor")],
    "procedures:field_edit": [Page("editor", _pk("procedures.Field"))],
    "procedures:legal_documents": [Page("editor")],
    "procedures:legal_documents_import": [Page("editor")],
    "procedures:legal_document_create": [Page("editor")],
    "procedures:legal_document_edit": [Page("editor", _pk("procedures.LegalDocument"))],
    "procedures:import": [Page("editor")],
    "procedures:component_eform": [Page("editor", _component)],
    "procedures:version": [Page("editor", _version)],
    "procedures:history": [Page("editor", _version)],
    # Auditor and system administration.
    "read_audit": [Page("auditor")],
    "api_admin:clients": [Page("admin")],
    "integration:deliveries": [Page("admin")],
    "signatures:certificates": [Page("admin")],
}

# URL name -> why it is not visited as a page.
EXCLUDED = {
    "healthz": "health probe for the load balancer (JSON)",
    "mfa_verify": "second sign-in step: visited by every staff sign-in of the test (conftest.login)",
    "mfa_recovery_codes": "shown once, right after the authenticator is set up (tests/portal/test_mfa.py)",
    "logout": "POST only",
    "password_reset_confirm": "needs a token mailed to the person; same form template as password_change",
    "set_language": "POST only (the language switch in the footer)",
    "switch_unit": "POST only",
    "api:schema": "machine API (OpenAPI YAML)",
    "api:docs": "Swagger UI, a vendored third-party page for developers",
    "api:procedures": "machine API (JSON)",
    "api:procedure": "machine API (JSON)",
    "api:dossiers": "machine API (JSON)",
    "api:dossier": "machine API (JSON)",
    "api:dossier_events": "machine API (JSON)",
    "api:dossier_result": "machine API (file)",
    "api:dossier_file": "machine API (file)",
    "api:dossier_action": "machine API (JSON, POST)",
    "api_admin:client_rotate": "POST only",
    "api_admin:client_revoke": "POST only",
    "integration:delivery_resend": "POST only",
    "integration:national_resend": "POST only",
    "signatures:certificate_retire": "POST only",
    "signatures:trust_add": "POST only",
    "procedures:form_template": "file download (the form's template)",
    "procedures:legal_documents_export": "file download (spreadsheet)",
    "procedures:import_job": "needs an import job (tests/procedures/test_import_progress.py)",
    "procedures:import_errors": "file download (spreadsheet of an import's errors)",
    "procedures:import_confirm": "POST only",
    "procedures:export": "file download (spreadsheet)",
    "procedures:component_form_template": "file download (the component's form)",
    "procedures:publish": "POST only",
    "procedures:duplicate": "POST only",
    "procedures:retire": "POST only",
    "dossiers:slip_pdf": "PDF",
    "dossiers:qr": "the same view and template as dossiers:track",
    "workflow:dossier_file": "file download",
    "workflow:receipt": "PDF",
    "workflow:postal_slip": "PDF",
    "workflow:dossier_slip": "PDF (Form 02/03 of a dossier)",
    "metrics": "Prometheus text for the scraper, behind a token (tests/portal/test_metrics.py)",
    "workflow:declarations_json": "JSON",
    "workflow:assign": "POST only",
    "workflow:act": "POST only",
    "workflow:applicant_lookup": "htmx fragment of the reception form (visited through workflow:receive)",
    "workflow:process_slip": "PDF",
    "workflow:apology_pdf": "PDF",
    "workflow:statistics_export": "file download (spreadsheet, CSV, PDF)",
    "workflow:monthly_report": "file download (spreadsheet, PDF)",
    "workflow:notification_read": "POST only",
    "workflow:notifications_read_all": "POST only",
    "workflow:notification_retry": "POST only",
    "citizens:wallet_file": "file download",
    "citizens:draft_submit": "POST only",
    "citizens:draft_discard": "POST only",
    "citizens:draft_file": "file download",
    "citizens:draft_declaration_pdf": "PDF",
    "citizens:dossier_file": "file download",
    "citizens:supplement": "needs a dossier awaiting a supplement (test_citizen_portal.py)",
    "citizens:withdraw": "POST only",
    "citizens:rate": "needs a returned, unrated dossier of this citizen (test_citizen_portal.py visits it)",
    "citizens:pay": "needs an unpaid fee of this citizen (test_citizen_payment.py visits it)",
    "citizens:payment_receipt": "PDF",
    "citizens:verify_email": "needs a token mailed to the citizen (redirects)",
    "citizens:verify_phone": "needs a code sent by SMS (test_citizen_pages.py visits it)",
    "citizens:activate": "needs a token mailed to the citizen (test_citizen_pages.py visits it)",
    "citizens:identity_start": "redirect to the national identity provider",
    "citizens:identity_callback": "redirect target of the national identity provider",
    "citizens:sandbox_pay": "the payment sandbox, standing in for the bank's page",
    "citizens:payment_callback": "server-to-server callback of the payment provider",
    "citizens:counter_receipt": "PDF",
    "citizens:return_slip": "PDF (the return slip)",
}

# Namespaces left out as a whole.
EXCLUDED_NAMESPACES = {
    "admin": "Django's own admin site, its templates and styles are Django's (for the superuser only)",
}


def url_names():
    """Every named URL of the project, as 'namespace:name' (namespaces joined)."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name

    return sorted(set(walk(get_resolver().url_patterns)))


def seed_demo():
    """The demo data set, loaded in a thread of its own: Playwright's event loop runs in the test's
    thread, where the demo's signing would hop to another thread (and connection) that cannot see
    the seeder's uncommitted trust anchor."""
    from django.db import connection

    try:
        call_command("seed_demo", force=True, stdout=io.StringIO())
    finally:
        connection.close()


def load_demo_data():
    """The demo's data, on the migrations' reference data (unit levels, calendar), which an earlier
    browser test's flush removed (call it from a test with transactional_db)."""
    from django.apps import apps

    from portal.models import UnitLevel, User
    from tests.factories import PASSWORD

    if not UnitLevel.objects.exists():
        for migration in ("0002_standard_levels_and_schedule", "0003_calendar_2026"):
            import_module(f"portal.migrations.{migration}").create(apps, None)

    with ThreadPoolExecutor(1) as pool:
        pool.submit(seed_demo).result()
    User.objects.create_superuser(USERS["admin"], "quantri@example.vn", PASSWORD, full_name="Quản trị hệ thống")
    for username in USERS.values():
        if username:
            user = User.objects.get(username=username)
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
