"""The ImportJob lifecycle: store the upload, queue validation, confirm, the bodies of the two
Celery tasks (procedures.tasks), and the progress shown while importing."""

import logging
import threading

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from procedures.importing.apply import apply_rows
from procedures.importing.schema import FileError, RowError
from procedures.importing.validate import validate_file
from procedures.models import ImportJob

logger = logging.getLogger(__name__)


def progress_key(job_id):
    return f"procedures:import:{job_id}:progress"


@transaction.atomic
def import_job_create(*, user, upload):
    """Store the uploaded file and queue its validation (after commit)."""
    # In the function: procedures.tasks imports this module (a real import cycle).
    from procedures.tasks import validate_import

    job = ImportJob(original_name=upload.name[:255], format=upload.import_format, created_by=user)
    job.file.save(upload.name, upload, save=False)
    job.save()
    transaction.on_commit(lambda: _start(validate_import, job.pk))
    return job


@transaction.atomic
def import_job_confirm(*, job, user, overwrite=False):
    """The editor confirmed the preview: queue the import (claimed so it runs once). Updates of
    existing procedures need `overwrite`: the editor ticked that they accept them."""
    # In the function: procedures.tasks imports this module (a real import cycle).
    from procedures.tasks import apply_import

    if (job.summary or {}).get("update") and not overwrite:
        raise ValidationError(_("Tệp cập nhật %(count)s thủ tục đang có: hãy đánh dấu ô đồng ý ghi đè trước khi "
                                "xác nhận.") % {"count": job.summary["update"]})

    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
        status=ImportJob.Status.IMPORTING, processed_rows=0
    )
    if not claimed:
        raise ValidationError(_("Lượt nhập này không ở trạng thái chờ xác nhận."))
    transaction.on_commit(lambda: _start(apply_import, job.pk, user.pk))


def _start(task, *args):
    """Queue an import task. With eager Celery it would run inside the request that queued it
    (the page would wait with no progress): then it runs in a background thread, unless
    settings.CATALOGUE_IMPORT_IN_THREAD is off (tests). Both tasks claim their job, so a
    thread and a worker never do the same work twice."""
    if settings.CELERY_TASK_ALWAYS_EAGER and settings.CATALOGUE_IMPORT_IN_THREAD:
        threading.Thread(target=_run_in_thread, args=(task, args), name=f"import-{task.name}", daemon=True).start()
    else:
        task.delay(*args)


def _run_in_thread(task, args):
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 — the task bodies record their failures on the job
        logger.exception("Import task %s%s failed", task.name, args)
    finally:
        connections.close_all()  # this thread's own connections


def run_validation(job_id):
    """Phase 1 (task body). Safe to re-run: only a pending job is claimed."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.VALIDATING
    ):
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)

    def progress(done, total):
        ImportJob.objects.filter(pk=job_id).update(processed_rows=done, total_rows=total)

    try:
        rows, errors, ctx = validate_file(job=job, user=job.created_by, on_progress=progress)
    except FileError as exc:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.INVALID, errors=[RowError(0, "", str(exc)).as_dict()],
            finished_at=timezone.now(),
        )
        return
    summary = {
        "create": sum(1 for r in rows if r.action == "create"),
        "update": sum(1 for r in rows if r.action == "update"),
        "unchanged": sum(1 for r in rows if r.action == "unchanged"),
        "documents_create": [{"number": n, "title": d["title"]} for n, d in sorted(ctx.new_documents.items())],
        "rows": [{"row": r.row, "code": r.code, "name": r.version.get("name", ""), "action": r.action,
                  "changes": [_shortened(c) for c in r.changes] if r.action == "update" else []}
                 for r in rows],
        "causes": error_causes(errors, ctx),
        "notices": continuation_notices(ctx.notices),
        "drafts": any(r.draft for r in rows),
    }
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.INVALID if errors else ImportJob.Status.PREVIEW,
        errors=[e.as_dict() for e in errors],
        summary=summary,
        total_rows=len(rows),
        processed_rows=len(rows),
        finished_at=timezone.now() if errors else None,
    )


def error_causes(errors, ctx, *, top=20, examples=10):
    """The repeated causes of a file's errors, most frequent first: the legal documents and
    units missing from the whole file, then identical messages on several rows."""
    causes = []
    if ctx.missing_documents:
        causes.append({"column": "can_cu_phap_ly", "count": len(ctx.missing_documents), "message": _(
            "%(count)s số văn bản pháp lý chưa có trong danh mục và không được mô tả trong tệp: %(numbers)s.")
            % {"count": len(ctx.missing_documents), "numbers": ", ".join(sorted(ctx.missing_documents))}, "rows": []})
    if ctx.unknown_units:
        causes.append({"column": "noi_tiep_nhan", "count": len(ctx.unknown_units), "message": _(
            "%(count)s mã đơn vị không có trong cổng: %(codes)s.")
            % {"count": len(ctx.unknown_units), "codes": ", ".join(sorted(ctx.unknown_units))}, "rows": []})
    groups = {}
    for error in errors:
        groups.setdefault((error.column, error.message), []).append(error.row)
    repeated = sorted(((key, rows) for key, rows in groups.items() if len(rows) > 1), key=lambda g: -len(g[1]))
    for (column, message), rows in repeated[:top]:
        causes.append({"column": column, "message": message, "count": len(rows), "rows": rows[:examples]})
    return causes


def continuation_notices(notices, *, examples=10):
    """What the import says about cells it joined back from continuation columns (an XLSX
    cell holds at most 32,767 characters: the export continues longer texts in `<column>__2`…)."""
    return [_("Cột %(column)s: văn bản dài hơn 32.767 ký tự được ghép lại từ các cột tiếp nối ở %(count)s dòng "
              "(%(rows)s).") % {"column": n["column"], "count": len(n["rows"]),
                                "rows": ", ".join(str(r) for r in n["rows"][:examples])}
            for n in notices]


def _shortened(change, limit=400):
    """A change as the preview shows it: long texts cut (the file itself is applied in full)."""
    def cut(text):
        return text if len(text) <= limit else text[:limit] + "…"
    return {"column": change["column"], "old": cut(change["old"]), "new": cut(change["new"])}


def run_import(job_id, user_id):
    """Phase 2 (task body): re-validate (the catalogue may have changed since the preview)
    and apply in one transaction. Safe to re-run: only an `importing` job without a finish
    time is processed, and the whole write is atomic."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.IMPORTING, finished_at=None).first()
    if job is None:
        return
    user = User.objects.get(pk=user_id)

    def progress(done, total):
        # Inside the transaction the job row's changes are invisible to the polling page:
        # report through the cache instead.
        cache.set(progress_key(job_id), (done, total), 3600)

    try:
        rows, errors, ctx = validate_file(job=job, user=user)
        if errors:
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportJob.Status.INVALID, errors=[e.as_dict() for e in errors],
                summary={**job.summary, "causes": error_causes(errors, ctx)}, finished_at=timezone.now(),
            )
            return
        with transaction.atomic():
            counts = apply_rows(rows=rows, ctx=ctx, user=user, on_progress=progress)
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportJob.Status.DONE, summary={**job.summary, **counts},
                processed_rows=len(rows), total_rows=len(rows), finished_at=timezone.now(),
            )
    except FileError as exc:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, message=str(exc), finished_at=timezone.now()
        )
    except Exception as exc:  # noqa: BLE001 — the job must end visibly failed, never stay "importing"
        logger.exception("Import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            message=_("Lỗi khi ghi dữ liệu, không có thủ tục nào được nhập: %(error)s") % {"error": exc},
            finished_at=timezone.now(),
        )
    finally:
        cache.delete(progress_key(job_id))


def job_progress(job):
    """(done, total) for the progress bar, from the cache while importing."""
    if job.status == ImportJob.Status.IMPORTING:
        cached = cache.get(progress_key(job.pk))
        if cached:
            return cached
        return 0, max(job.total_rows, 1)
    return job.processed_rows, job.total_rows
