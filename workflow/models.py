"""The models of the workflow app, defined in the sub-package of their concern (same app label
and tables): Django looks for them here."""

from workflow.api.models import NationalPull, NationalSubmission
from workflow.deadlines.models import DeadlineMark, DigestLog, HandoffMark, LegalBasisFlag
from workflow.notifications.models import Notification, NotificationChannel, NotificationPreference
from workflow.routing.models import Apology, Consultation, Handoff, Pause, Timeliness, timeliness
from workflow.supervision.models import CounterRefresh, DailyCounter, DailyStepCounter

__all__ = [
    "Apology", "Consultation", "CounterRefresh", "DailyCounter", "DailyStepCounter", "DeadlineMark", "DigestLog",
    "Handoff", "HandoffMark", "LegalBasisFlag", "NationalPull",
    "NationalSubmission", "Notification", "NotificationChannel", "NotificationPreference",
    "Pause", "Timeliness", "timeliness",
]
