from django.dispatch import Signal

# Sent inside the reception's transaction, after the dossier and its event are saved, with
# `dossier` and `actor`. workflow/ instantiates the route on it (dependencies point from
# workflow to dossiers, never back).
dossier_received = Signal()
