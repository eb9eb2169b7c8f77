#!/usr/bin/env python
"""Benchmark: the supervision dashboard, dossier list and statistics pages on a large database
(never run by make test).

Own synthetic volume (default 200,000 dossiers with two hand-offs each, over three years, one
province of 10 districts and 100 communes, 120 procedures in 12 fields), inside a transaction
that is rolled back:

    createdb -h 127.0.0.1 -U postgres portal_bench_sup
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_sup .venv/bin/python bench/dashboard.py -n 200000

Against a database already loaded with the 1,000,000-dossier generator
(`bench/generate_load.py`), nothing generated and nothing rolled back except the counters:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_load .venv/bin/python bench/dashboard.py --existing

Steps: rebuild the daily counters (timed: the back-fill `manage.py refresh_counters` does), ANALYZE,
then time whole requests (view, queries, rendering) of a province supervisor — the widest
scope — R rounds over: dashboard, overdue list, statistics this month / last month / this year
/ by procedure, and (for comparison) the statistics of this month with the counters switched
off (direct count). Prints p50 / p95 / max per page and saves them to
bench/results/dashboard-<timestamp>.json.

Results (PostgreSQL 15, 2 cpu shared with other jobs, whole requests through the test client,
warm counter cache; bench/results/dashboard-20261122-213559.json):

| dossiers | page | p50 | p95 |
|---|---|---|---|
| 200,000 | dashboard | 93 ms | 107 ms |
| 200,000 | overdue list | 58 ms | 67 ms |
| 200,000 | statistics, this month | 233 ms | 261 ms |
| 200,000 | statistics, last month | 158 ms | 182 ms |
| 200,000 | statistics, this year | 233 ms | 265 ms |
| 200,000 | statistics by procedure | 244 ms | 272 ms |
| 200,000 | statistics, this month, direct count (no counters) | 475 ms | 1,103 ms |

| 500,000 | dashboard | 249 ms | 305 ms |
| 500,000 | overdue list | 77 ms | 94 ms |
| 500,000 | statistics, this month | 396 ms | 453 ms |
| 500,000 | statistics, last month | 231 ms | 280 ms |
| 500,000 | statistics, this year | 407 ms | 465 ms |
| 500,000 | statistics by procedure | 399 ms | 458 ms |
| 500,000 | statistics, this month, direct count | 862 ms | 1,242 ms |

(500,000: bench/results/dashboard-20261122-214458.json, measured before the dashboard's two
overdue-step queries became one.) Back-fill of the counters: 56 s for 200,000 dossiers, 116 s
for 500,000; refresh of the last 7 days: 0.8 s / 2.2 s.

1,000,000 dossiers (generate_load, counters from refresh_counters, `--existing --reuse-counters`):
dashboard p50 148 / p95 162 ms, overdue list 91 / 99 ms, statistics this month 572 / 615 ms,
last month 350 / 390 ms, this year 597 / 708 ms, by procedure 1,193 / 1,357 ms
(bench/results/dashboard-20261202-194305.json; before and after in docs/performance.md).
"""

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
os.environ.setdefault("DEBUG", "false")

BATCH = 5000


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def build(n, rng, stdout):
    """Units, procedures and N dossiers with their hand-offs, by bulk_create."""
    from decimal import Decimal

    from django.utils import timezone

    from dossiers.models import Channel, Dossier, Outcome, Status
    from portal.models import Membership, Role, Unit, UnitLevel, User
    from procedures.models import Field, Procedure, ProcedureVersion
    from workflow.models import Handoff, timeliness

    def lvl(code, name, tier):
        return UnitLevel.objects.get_or_create(code=code, defaults={"name": name, "tier": tier})[0]

    province = Unit.objects.create(name="Ủy ban nhân dân tỉnh Đo Tải", code="B99", level=lvl("province", "Tỉnh", 1))
    districts, communes = [], []
    for d in range(10):
        district = Unit.objects.create(name=f"Ủy ban nhân dân huyện Đo Tải {d + 1}", code=f"B99.{d + 10}",
                                       level=lvl("district", "Huyện", 2), parent=province)
        districts.append(district)
        for c in range(10):
            communes.append(Unit.objects.create(name=f"Ủy ban nhân dân xã Đo Tải {d + 1}.{c + 1}",
                                                code=f"B99.{d + 10}.{c + 10}", level=lvl("commune", "Xã", 3),
                                                parent=district))
    supervisor = User.objects.create_user(username="bench_supervisor", password="x", full_name="Giám sát Đo Tải")
    Membership.objects.create(user=supervisor, unit=province, role=Role.SUPERVISOR)
    procedures = []
    for f in range(12):
        field = Field.objects.create(code=f"bench-field-{f}", name=f"Lĩnh vực đo tải {f + 1}")
        for p in range(10):
            procedure = Procedure.objects.create(national_code=f"9.{f:02d}{p:04d}", field=field,
                                                 name=f"Thủ tục đo tải {f + 1}.{p + 1}")
            version = ProcedureVersion.objects.create(
                procedure=procedure, number=1, status=ProcedureVersion.Status.PUBLISHED,
                effective_from=datetime.date(2020, 1, 1), name=procedure.name, processing_time=Decimal("5"),
                online_level=rng.choice([2, 3, 4]))
            procedures.append((procedure, version))

    now = timezone.now()
    parent_of = {c.pk: c.parent for c in communes}
    made = 0
    while made < n:
        size = min(BATCH, n - made)
        dossiers, plans = [], []
        for i in range(made, made + size):
            unit = rng.choice(communes)
            procedure, version = rng.choice(procedures)
            age = rng.random() ** 1.3 * 3 * 365  # more recent dossiers than old ones
            received = now - datetime.timedelta(days=age, minutes=rng.randint(0, 600))
            due = received + datetime.timedelta(days=rng.choice([1, 3, 5, 7, 10]))
            roll = rng.random()
            if age > 30 or roll < 0.55:
                status = rng.choices([Status.RETURNED, Status.RESULT_READY, Status.WITHDRAWN, Status.STOPPED],
                                     [90, 4, 4, 2])[0]
                finished = received + datetime.timedelta(hours=rng.expovariate(1 / 90))
                if status == Status.WITHDRAWN:
                    finished = None
            else:
                status = rng.choices([Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED,
                                      Status.PAYMENT_REQUESTED], [15, 70, 10, 5])[0]
                finished = None
            if finished is not None and finished > now:
                finished = now - datetime.timedelta(minutes=1)
            supplements = rng.choices([0, 1, 2], [85, 12, 3])[0]
            dossiers.append(Dossier(
                code=f"B99-{i:08d}", procedure=procedure, procedure_version=version, applicant_name="Người Đo Tải",
                receiving_unit=unit, current_unit=unit, channel=rng.choices(
                    [Channel.COUNTER, Channel.ONLINE, Channel.POSTAL], [60, 35, 5])[0],
                status=status, outcome=(rng.choices([Outcome.APPROVED, Outcome.REFUSED], [97, 3])[0]
                                        if status in (Status.RESULT_READY, Status.RETURNED) else ""),
                submitted_at=received, received_at=received, due_at=due, finished_at=finished,
                returned_at=finished if status == Status.RETURNED else None, supplement_count=supplements))
            plans.append((unit, received, due, finished, status))
        Dossier.objects.bulk_create(dossiers, batch_size=BATCH)
        handoffs = []
        for dossier, (unit, received, due, finished, status) in zip(dossiers, plans, strict=True):
            counter_end = received + datetime.timedelta(hours=rng.uniform(0.2, 6))
            counter_due = received + datetime.timedelta(hours=4)
            handoffs.append(Handoff(dossier=dossier, order=0, kind=Handoff.Kind.COUNTER, unit=unit, unit_name=unit.name,
                                    action="Tiếp nhận", budget=Decimal("0.5"), time_unit="working_days",
                                    state=Handoff.State.DONE, started_at=received, due_at=counter_due,
                                    finished_at=counter_end, outcome=timeliness(counter_end, counter_due)))
            handler = parent_of[unit.pk] if rng.random() < 0.3 else unit
            done = finished is not None
            handoffs.append(Handoff(dossier=dossier, order=1, unit=handler, unit_name=handler.name,
                                    action="Thẩm định, phê duyệt", budget=Decimal("4"), time_unit="working_days",
                                    state=Handoff.State.DONE if done or status == Status.WITHDRAWN
                                    else Handoff.State.ACTIVE,
                                    started_at=counter_end, due_at=due,
                                    finished_at=finished if done else None,
                                    outcome=timeliness(finished, due) if done else ""))
        Handoff.objects.bulk_create(handoffs, batch_size=BATCH)
        made += size
        stdout.write(f"\r  {made:,} dossiers")
        stdout.flush()
    stdout.write("\n")
    return supervisor


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200_000, help="dossiers to generate")
    parser.add_argument("-r", type=int, default=15, help="rounds over the pages")
    parser.add_argument("--existing", action="store_true", help="use the data already in the database")
    parser.add_argument("--seed", type=int, default=766)
    parser.add_argument("--reuse-counters", action="store_true",
                        help="with --existing: keep the counters already built by refresh_counters (no direct-count "
                             "rounds, no back-fill; only the recent days are refreshed)")
    parser.add_argument("--keep", action="store_true",
                        help="commit the generated data (then re-run with --existing); default: roll back")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from dossiers.models import Dossier
    from portal.models import Membership, Role, Unit, User
    from workflow.models import CounterRefresh
    from workflow.supervision import daily_counters

    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    timings, result = {}, {}
    with transaction.atomic():
        started = time.perf_counter()
        if args.existing:
            top = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
            supervisor = User.objects.filter(username="bench_supervisor").first() or User.objects.create_user(
                username="bench_supervisor", password="x", full_name="Giám sát Đo Tải")
            Membership.objects.get_or_create(user=supervisor, unit=top, role=Role.SUPERVISOR)
        else:
            supervisor = build(args.n, random.Random(args.seed), sys.stdout)
        result["generate_s"] = round(time.perf_counter() - started, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(supervisor)
        today = timezone.localdate()
        last_month = today.replace(day=1) - datetime.timedelta(days=1)
        pages = {
            "dashboard": "/supervision/dashboard/",
            "overdue_list": "/supervision/dossiers/?state=overdue",
            "stats_this_month": "/supervision/statistics/",
            "stats_last_month": f"/supervision/statistics/?period=month&year={last_month.year}"
                                f"&month={last_month.month}",
            "stats_this_year": "/supervision/statistics/?period=year",
            "stats_by_procedure": "/supervision/statistics/?group=procedure",
        }

        def run(name, url, rounds):
            for _ in range(rounds):
                begin = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - begin) * 1000
                assert response.status_code == 200, (url, response.status_code)
                timings.setdefault(name, []).append(elapsed)

        if not (args.existing and args.reuse_counters and daily_counters.complete_until()):
            # Direct count first (no counters), a few rounds only: it is the slow path.
            CounterRefresh.objects.filter(name=daily_counters.STATE).delete()
            run("stats_this_month_direct", pages["stats_this_month"], max(3, args.r // 5))
            run("stats_last_month_direct", pages["stats_last_month"], max(3, args.r // 5))

            begin = time.perf_counter()
            daily_counters.refresh_all()
            result["refresh_all_s"] = round(time.perf_counter() - begin, 1)
        begin = time.perf_counter()
        daily_counters.refresh_recent()
        result["refresh_recent_s"] = round(time.perf_counter() - begin, 2)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        for name, url in pages.items():
            run(name, url, 2)  # warm up
            timings[name] = []
        for _ in range(args.r):
            for name, url in pages.items():
                run(name, url, 1)
        result["dossiers"] = Dossier.objects.count()
        if not args.keep:
            transaction.set_rollback(True)

    result.update({
        "database": f"{connection.vendor} {getattr(connection, 'pg_version', '')}",
        "machine": f"{platform.machine()}, {os.cpu_count()} cpu",
        "rounds": args.r,
        "pages": {name: {"n": len(values), "p50_ms": round(statistics.median(values), 1),
                         "p95_ms": round(percentile(values, 95), 1), "max_ms": round(max(values), 1)}
                  for name, values in timings.items()},
    })
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"dashboard-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
