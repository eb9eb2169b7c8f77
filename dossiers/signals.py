from django.dispatch import Signal

# Sent inside the transaction of every DossierEvent written (every transition, forward,
# assignment, apology...), with `event`. The notification outbox listens to it, so that a
# notification row commits or rolls back together with its event.
dossier_event_recorded = Signal()
