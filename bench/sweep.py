#!/usr/bin/env python
"""Benchmark: the deadline sweep over 1,000,000 dossiers, 50,000 of them overdue (never run by
make test). PostgreSQL only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/sweep.py -n 1000000 -o 50000

Builds once and keeps (in its own database; --rebuild recreates it, then VACUUM ANALYZE as
autovacuum would have): a province with U communes (a leader, an officer and
a clerk each, a supervisor at the province), N dossiers written with INSERT … SELECT
generate_series — O open and overdue (with an overdue active step), 20 % open and not yet
due (with an active step), the rest returned (with a finished step). Then, inside a
transaction that is rolled back (every run starts from the same state), times
workflow.deadlines.sweep.sweep(): the first pass (full: marks every crossing and writes the grouped
notifications), a regular repeat at the same moment and five minutes later (overdue rows of
the last hour only, as beat runs it 11 times an hour), and the hourly full repeat. Repeats
must find nothing new. Prints and saves the times to bench/results/sweep-<timestamp>.json.
Targets: first pass under 2 s, repeat under 0.1 s.
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")


class Rollback(Exception):
    pass


def build(*, dossiers, overdue, communes, now):
    from django.db import connection

    from portal.models import Membership, Role, Unit, UnitLevel, User
    from procedures.models import Field, Procedure, ProcedureVersion

    province_level = UnitLevel.objects.get(code="province")
    commune_level = UnitLevel.objects.get(code="commune")
    province = Unit.objects.filter(code="B99").first()
    if province is None:
        province = Unit.objects.create(name="Tỉnh Đo Thử", code="B99", level=province_level)
        for number in range(communes):
            unit = Unit.objects.create(name=f"Ủy ban nhân dân xã Đo Thử {number}", code=f"B99.{number:03d}",
                                       level=commune_level, parent=province)
            for role in (Role.LEADER, Role.OFFICER, Role.CLERK):
                user = User.objects.create(username=f"bench-{role}-{number}", email=f"{role}{number}@bench.vn",
                                           full_name=f"Cán bộ {number}")
                Membership.objects.create(user=user, unit=unit, role=role)
        supervisor = User.objects.create(username="bench-supervisor", email="gs@bench.vn", full_name="Giám sát")
        Membership.objects.create(user=supervisor, unit=province, role=Role.SUPERVISOR)
        field = Field.objects.create(code="bench", name="Đo thử")
        procedure = Procedure.objects.create(national_code="9.999999", field=field, name="Thủ tục đo thử")
        ProcedureVersion.objects.create(procedure=procedure, number=1, name=procedure.name,
                                        status=ProcedureVersion.Status.PUBLISHED,
                                        effective_from=datetime.date(2025, 1, 1), processing_time=5)
    units = list(Unit.objects.filter(parent=province).order_by("code"))
    version = ProcedureVersion.objects.get(procedure__national_code="9.999999")
    procedure = version.procedure
    every = max(dossiers // overdue, 1)
    unit_ids = [u.pk for u in units]
    with connection.cursor() as cursor:
        # g % every = 0: open and overdue; 1..every/4: open, due in 1–4 days; the rest returned.
        cursor.execute(
            """
            INSERT INTO dossiers_dossier (
                code, lookup_pin, applicant_name, applicant_personal_id, applicant_address, applicant_phone,
                applicant_email, organisation_name, organisation_tax_code, representative_name,
                representative_personal_id, channel, delivery, sets_count, status, outcome, is_priority, note,
                created_at, updated_at, current_unit_id, procedure_id, procedure_version_id, receiving_unit_id,
                collected_by, decision_note, post_tracking_number, supplement_count, received_at, due_at)
            SELECT 'B99-' || g, '000000', 'Người nộp ' || g, '', '', '', '', '', '', '', '', 1, 'counter', 1,
                   CASE WHEN g %% %(every)s = 0 OR g %% %(every)s <= %(every)s / 4 THEN 'processing'
                        ELSE 'returned' END,
                   '', false, '', %(now)s, %(now)s, u.id, %(procedure)s, %(version)s, u.id, '', '', '', 0,
                   %(now)s - interval '10 days',
                   CASE WHEN g %% %(every)s = 0 THEN %(now)s - interval '1 hour' - (g %% 5000) * interval '1 minute'
                        WHEN g %% %(every)s <= %(every)s / 4 THEN %(now)s + interval '1 day'
                             + (g %% 4320) * interval '1 minute'
                        ELSE %(now)s - interval '3 days' END
            FROM generate_series(1, %(n)s) g
            JOIN LATERAL (SELECT (%(units)s::bigint[])[1 + (g + g / %(every)s) %% %(count)s] AS id) u ON true
            """,
            {"every": every, "now": now, "procedure": procedure.pk, "version": version.pk, "units": unit_ids,
             "count": len(unit_ids), "n": dossiers},
        )
        cursor.execute(
            """
            INSERT INTO workflow_handoff ("order", kind, unit_name, action, budget, time_unit, state, outcome,
                                          note, notified, dossier_id, unit_id, started_at, due_at, finished_at)
            SELECT 1, 'process', 'Ủy ban nhân dân xã', 'Thẩm định', 5, 'working_days',
                   CASE WHEN d.status = 'processing' THEN 'active' ELSE 'done' END, '', '', '[]'::jsonb,
                   d.id, d.current_unit_id, d.received_at, d.due_at,
                   CASE WHEN d.status = 'processing' THEN NULL ELSE d.due_at - interval '1 day' END
            FROM dossiers_dossier d WHERE d.code LIKE 'B99-%%'
            """
        )
        cursor.execute("ANALYZE dossiers_dossier; ANALYZE workflow_handoff; ANALYZE workflow_notification; "
                       "ANALYZE workflow_deadlinemark")
    return province


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=1_000_000, help="dossiers")
    parser.add_argument("-o", type=int, default=50_000, help="of which open and overdue")
    parser.add_argument("-u", type=int, default=200, help="communes")
    parser.add_argument("--rebuild", action="store_true", help="recreate the synthetic province")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from dossiers.models import Dossier
    from workflow.deadlines.sweep import sweep
    from workflow.models import DeadlineMark, Handoff, Notification

    if connection.vendor != "postgresql":
        sys.exit("bench/sweep.py needs PostgreSQL (DATABASE_URL=postgres://...)")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    now = timezone.now()
    result = {}
    existing = Dossier.objects.filter(code__startswith="B99-").count()
    if args.rebuild or existing != args.n:
        with transaction.atomic():
            Handoff.objects.filter(dossier__code__startswith="B99-").delete()
            Dossier.objects.filter(code__startswith="B99-").delete()
            started = time.perf_counter()
            build(dossiers=args.n, overdue=args.o, communes=args.u, now=now)
            result["build_s"] = round(time.perf_counter() - started, 1)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE dossiers_dossier")
            cursor.execute("VACUUM ANALYZE workflow_handoff")
    else:
        now = Dossier.objects.filter(code__startswith="B99-").order_by("created_at").values_list(
            "created_at", flat=True).first()
    # A worker is a long-running process: load the holiday calendar before timing, as it is
    # loaded long before beat's first sweep.
    from portal import workdays

    workdays.add_working_hours(now, 8)
    with connection.cursor() as cursor:  # dead rows of earlier (rolled back) runs
        for table in ("workflow_handoffmark", "workflow_deadlinemark", "workflow_notification"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    try:
        with transaction.atomic():
            result["dossiers"] = Dossier.objects.filter(code__startswith="B99-").count()
            result["open_overdue"] = Dossier.objects.filter(code__startswith="B99-", status="processing",
                                                            due_at__lte=now).count()
            result["handoffs"] = Handoff.objects.filter(dossier__code__startswith="B99-").count()
            timings = []
            later = now + datetime.timedelta(minutes=5)
            for label, moment, full in (("first", now, True), ("repeat", now, False),
                                        ("five_minutes_later", later, False), ("hourly_full_repeat", later, True)):
                started = time.perf_counter()
                counts = sweep(now=moment, full=full)
                timings.append((label, time.perf_counter() - started, counts))
            result["passes"] = [{"pass": label, "seconds": round(seconds, 3), "found": counts}
                                for label, seconds, counts in timings]
            result["notifications"] = Notification.objects.count()
            result["marks"] = DeadlineMark.objects.count()
            raise Rollback
    except Rollback:
        pass
    result.update(date=now.isoformat(), database=connection.vendor, python=platform.python_version(),
                  cpus=os.cpu_count())
    for row in result["passes"]:
        print(f"{row['pass']:>20}: {row['seconds'] * 1000:8.1f} ms  {row['found']}")
    print(json.dumps({k: v for k, v in result.items() if k != "passes"}, ensure_ascii=False))
    out = ROOT / "bench" / "results" / f"sweep-{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
