"""Printed forms of the workflow: the apology (Form 04), the process-control slip (Form 05)
and the tracking book (Form 06)."""
