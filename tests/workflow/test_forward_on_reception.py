"""A route whose counter step is budgeted no time (0) sends the dossier on to its first
processing step at reception, without a "forward" click (workflow/routing/route.py,
`forwards_on_reception`); a counter step with time of its own waits for the clerk."""

from decimal import Decimal

from dossiers.models import DossierEvent, Status
from procedures.models import RouteStep
from tests.dossiers.factories import published_version
from tests.factories import level
from tests.workflow.test_processing import online_dossier
from tests.workflow.test_reception_service import MONDAY_9, receive
from workflow.models import Handoff
from workflow.routing import services


def routed(counter_budget):
    """Counter (budget given) → the commune's officers 1 day → counter 0.5 day."""
    version = published_version(components=("Tờ khai đăng ký khai sinh",))
    for order, (is_counter, budget) in enumerate([(True, counter_budget), (False, "1"), (True, "0.5")]):
        RouteStep.objects.create(version=version, order=order, is_counter=is_counter, action=f"Bước {order + 1}",
                                 handler_level=None if is_counter else level("commune"), budget=Decimal(budget))
    return version


def states(dossier):
    return [h.state for h in dossier.handoffs.order_by("order")]


def test_counter_step_without_time_forwards_the_dossier_at_reception(org, clerk):
    dossier = receive(clerk, org.c1, routed("0"), received_at=MONDAY_9)
    assert dossier.status == Status.PROCESSING
    assert states(dossier) == [Handoff.State.DONE, Handoff.State.ACTIVE, Handoff.State.PENDING]
    first, second = dossier.handoffs.order_by("order")[:2]
    assert first.finished_at == MONDAY_9 and first.handed_by == clerk and second.started_at == MONDAY_9
    assert DossierEvent.objects.filter(dossier=dossier, transition="start_processing", actor=clerk).exists()


def test_counter_step_with_time_of_its_own_waits_for_the_clerk(org, clerk):
    dossier = receive(clerk, org.c1, routed("0.5"), received_at=MONDAY_9)
    assert dossier.status == Status.RECEIVED
    assert states(dossier) == [Handoff.State.ACTIVE, Handoff.State.PENDING, Handoff.State.PENDING]


def test_online_dossier_accepted_on_a_route_without_counter_time_goes_on_by_itself(org, clerk, citizen):
    dossier = services.online_accept(dossier=online_dossier(org, citizen, routed("0")), clerk=clerk)
    assert dossier.status == Status.PROCESSING
    assert states(dossier) == [Handoff.State.DONE, Handoff.State.ACTIVE, Handoff.State.PENDING]


def test_a_route_of_one_counter_step_is_not_forwarded_anywhere(org, clerk):
    version = published_version(code="1.000894", name="Đăng ký kết hôn", components=("Tờ khai",))
    RouteStep.objects.create(version=version, order=0, is_counter=True, action="Tiếp nhận", budget=Decimal("0"))
    dossier = receive(clerk, org.c1, version, received_at=MONDAY_9)
    assert dossier.status == Status.RECEIVED and states(dossier) == [Handoff.State.ACTIVE]
