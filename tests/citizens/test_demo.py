from citizens import demo
from citizens.models import Feedback, OnlineDraft, Rating
from citizens.selectors import wallet_files
from dossiers.models import Status
from portal import demo as portal_demo
from portal.models import User
from procedures import demo as procedures_demo
from tests.factories import level


def test_citizen_demo_gives_congdan_a_rated_returned_dossier_wallet_files_and_feedback(db):
    from importlib import import_module

    for row in import_module("portal.migrations.0002_standard_levels_and_schedule").LEVELS:
        level(row[0])  # transactional tests elsewhere may have flushed the migration's rows
    portal_demo.seed()
    procedures_demo.seed()
    demo.seed()
    demo.seed()  # idempotent
    citizen = User.objects.get(username="congdan")
    rating = Rating.objects.get(citizen=citizen)
    assert rating.dossier.status == Status.RETURNED and rating.score == 5
    kinds = set(wallet_files(citizen).values_list("kind", flat=True))
    assert kinds == {"component", "result"}
    assert OnlineDraft.objects.filter(citizen=citizen, state=OnlineDraft.State.OPEN).count() == 1
    feedback = Feedback.objects.get(sender=citizen)
    assert feedback.answered_at is not None
