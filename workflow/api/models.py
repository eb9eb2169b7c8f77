"""The national-portal pull (issue 17): which national submissions became which dossiers, and
each pull run (shown on the sync screen)."""

from django.db import models
from django.utils import timezone

from dossiers.models import Dossier


class NationalSubmission(models.Model):
    """A dossier submitted on the national portal and pulled here: its national id is unique,
    so a submission served twice is created once."""

    national_id = models.CharField(max_length=100, unique=True)
    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    error = models.TextField(blank=True)
    pulled_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.national_id


class NationalPull(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    fetched = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.created}/{self.fetched}"
