"""Stored uploads that no row refers to, and their removal.

A file is written to storage when the row holding it is saved; if the transaction around that
save rolls back (a concurrent change, a failed check after the upload), the row is gone and the
file stays: a scan of someone's identity papers, unreachable through the portal but still on the
disk (Law 91/2025 on personal data asks that it not be kept without purpose). This sweep walks
the upload folders and deletes the files that no FileField of any model refers to and that are
older than a margin, so that an upload whose transaction is still running is never touched.
"""

import datetime
import logging
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models

logger = logging.getLogger("portal.storage_sweep")

# Folders of uploads (the upload_to of DossierFile, StagedUpload and DraftFile). Procedure form
# templates and catalogue imports are managed by editors and left alone.
UPLOAD_ROOTS = ("dossiers", "staging", "citizens/drafts")


def _file_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model, field


def referenced_names(prefix):
    """Every stored name under `prefix` that a row of any model refers to (dossier files,
    staged scans, draft files, wallet files reused by drafts, their history)."""
    names = set()
    for model, field in _file_fields():
        names.update(model._base_manager.filter(**{f"{field.attname}__startswith": prefix})
                     .values_list(field.attname, flat=True))
    return names


def _walk(storage, folder):
    """(folder, file names) of `folder` and every folder below it, deepest last."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    yield folder, files
    for directory in sorted(directories):
        yield from _walk(storage, f"{folder}/{directory}")


def orphan_files(*, older_than, storage=None, roots=UPLOAD_ROOTS):
    """Names of stored uploads modified before `older_than` that no row refers to."""
    storage = storage or default_storage
    for root in roots:
        for folder, files in _walk(storage, root):
            if not files:
                continue
            referenced = referenced_names(f"{folder}/")
            for name in sorted(files):
                path = f"{folder}/{name}"
                if path in referenced:
                    continue
                if storage.get_modified_time(path) < older_than:
                    yield path


def orphan_files_purge(*, older_than, storage=None, dry_run=False):
    """Delete (or with `dry_run` only list) the orphan uploads; returns their names."""
    storage = storage or default_storage
    found = list(orphan_files(older_than=older_than, storage=storage))
    if not dry_run:
        for path in found:
            storage.delete(path)
            logger.info("deleted orphan upload %s", path)
    return found



def temp_uploads_purge(*, older_than, folder=None):
    """Delete Django's temporary upload files (`tmp….upload`, written for uploads above
    FILE_UPLOAD_MAX_MEMORY_SIZE and deleted when the request ends) modified before `older_than`:
    only a worker killed mid-request leaves one, with a scan of someone's papers in it."""
    folder = Path(folder or getattr(settings, "FILE_UPLOAD_TEMP_DIR", None) or tempfile.gettempdir())
    removed = []
    for path in folder.glob("*.upload"):
        try:
            modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
            if path.is_file() and modified < older_than:
                path.unlink()
                removed.append(str(path))
        except OSError:
            continue  # gone meanwhile, or not ours to delete
    if removed:
        logger.info("deleted %s stale temporary uploads", len(removed))
    return removed
