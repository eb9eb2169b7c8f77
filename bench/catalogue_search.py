#!/usr/bin/env python
"""Benchmark: public catalogue search over 2,000 procedures (never run by make test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/catalogue_search.py -n 2000

Inside a transaction that is rolled back: loads the demo organisation and catalogue, then
imports synthetic procedures through the real import code until there are N, runs ANALYZE,
and times GET /procedures/?q=... (the whole request: search, count, page of 20, rendering)
for a mix of queries — unaccented, accented, upper case, reordered words, a national code,
with and without filters — R rounds each. The catalogue's page cache
(procedures/catalogue_cache.py) is emptied before every request, so this measures the search
itself, as a first visitor asking a new question meets it. Prints and saves median / p95 / max
in ms to bench/results/catalogue_search-<timestamp>.json.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
os.environ.setdefault("DEBUG", "false")

QUERIES = [
    {"q": "dang ky khai sinh"},
    {"q": "khai sinh"},
    {"q": "KHAI SINH"},
    {"q": "Đăng ký kết hôn"},
    {"q": "khai sinh dang ky"},
    {"q": "giay phep xay dung"},
    {"q": "chứng thực bản sao"},
    {"q": "ly lich tu phap"},
    {"q": "ho kinh doanh"},
    {"q": "1.001193"},
    {"q": "dat"},
    {"q": "khong co thu tuc nay"},
    {"q": "dang ky", "online_level": "4"},
    {},
    {"online_level": "3"},
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=2000, help="procedures in the catalogue")
    parser.add_argument("-r", type=int, default=20, help="rounds over the query mix")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from bench import save_result
    from portal.models import User
    from procedures.importing.apply import apply_rows
    from procedures.importing.validate import Context, validate_row
    from procedures.models import Procedure
    from tests.procedures import importdata

    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    timings, per_query = [], {}
    with transaction.atomic():
        from portal import demo as portal_demo
        from procedures import demo as procedures_demo

        portal_demo.seed()
        procedures_demo.seed()
        editor = User.objects.get(username="bientap.tinh")
        missing = max(0, args.n - Procedure.objects.count())
        ctx = Context(editor)
        rows = []
        for number, raw in enumerate(importdata.rows(missing, unit_code="H56.20.01", document="60/2014/QH13",
                                                     start=500000), start=2):
            row, errors = validate_row(number, raw, ctx)
            assert not errors, errors
            row.action = "create"
            rows.append(row)
        apply_rows(rows=rows, ctx=ctx, user=editor)
        total = Procedure.objects.count()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE procedures_procedure; ANALYZE procedures_procedureversion;")
        from procedures.catalogue_cache import catalogue_changed

        client = Client(HTTP_HOST="127.0.0.1")
        for params in QUERIES:  # warm-up
            assert client.get("/procedures/", params).status_code == 200
        for _ in range(args.r):
            for params in QUERIES:
                catalogue_changed()  # a cache miss: the search, not the cached page
                start = time.perf_counter()
                response = client.get("/procedures/", params)
                elapsed = (time.perf_counter() - start) * 1000
                assert response.status_code == 200
                timings.append(elapsed)
                per_query.setdefault(json.dumps(params, ensure_ascii=False), []).append(elapsed)
        transaction.set_rollback(True)

    def p95(values):
        values = sorted(values)
        return round(values[int(0.95 * (len(values) - 1))], 1)

    result = {
        "benchmark": "catalogue_search",
        "procedures": total,
        "requests": len(timings),
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": p95(timings),
        "max_ms": round(max(timings), 1),
        "p95_by_query_ms": {query: p95(values) for query, values in per_query.items()},
    }
    save_result("catalogue_search", result)


if __name__ == "__main__":
    main()
