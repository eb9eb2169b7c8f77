"""Models of the deadline sweep and digests: the claims that make each announcement happen once."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from dossiers.models import Dossier
from workflow.routing.models import Handoff


class DeadlineMark(models.Model):
    """A deadline threshold of a dossier already handled by the sweep (due soon, due today,
    overdue, apology due). The unique pair makes the sweep's INSERT … ON CONFLICT DO NOTHING
    claim each crossing exactly once, even with two sweeps running at the same moment."""

    # No database constraint and no index of its own on the key: the sweep inserts tens of
    # thousands of marks at once, and the unique (dossier, threshold, due_at) index serves the
    # lookups; the ORM still deletes marks with their dossier.
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                                db_index=False)
    threshold = models.CharField(max_length=20)
    due_at = models.DateTimeField(null=True, blank=True)
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "threshold", "due_at"], name="unique_deadline_mark"),
        ]

    def __str__(self):
        return f"{self.dossier_id} {self.threshold}"


class DigestLog(models.Model):
    """The daily digest sent to one person on one day: the unique row is the claim."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_day")]

    def __str__(self):
        return f"{self.user_id} {self.day}"


class LegalBasisFlag(models.Model):
    """A published procedure version resting on an expired or replaced legal document, flagged
    once to its editors by the daily catalogue watch."""

    version = models.ForeignKey("procedures.ProcedureVersion", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey("procedures.LegalDocument", on_delete=models.CASCADE, related_name="+")
    flagged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "document"], name="unique_legal_basis_flag")]

    def __str__(self):
        return f"{self.version_id} {self.document_id}"


class HandoffMark(models.Model):
    """A deadline threshold of a hand-off already handled by the sweep. Insert-only, like
    DeadlineMark: claiming a crossing never rewrites the busy, heavily indexed hand-off row,
    and a step whose due date moves (a resumed pause) can cross again."""

    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                                db_index=False)  # see DeadlineMark.dossier
    threshold = models.CharField(max_length=20)
    due_at = models.DateTimeField()
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["handoff", "threshold", "due_at"], name="unique_handoff_mark"),
        ]

    def __str__(self):
        return f"{self.handoff_id} {self.threshold}"
