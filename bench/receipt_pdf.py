#!/usr/bin/env python
"""Benchmark: the Form 01 receipt PDF, warm, through the real view (never run by make test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/receipt_pdf.py [-n 50]

Creates a demo organisation and one dossier with four components inside a transaction that is
rolled back, renders the receipt once to warm fonts and templates, then times N requests of
/dossiers/<code>/receipt.pdf as the receiving clerk, each twice: a first print (the PDF cache
emptied before it, so WeasyPrint renders) and a reprint (served from the cache of PDFs by
HTML, portal/pdf.py). Prints and saves median / p95 / max in ms of both to
bench/results/receipt_pdf-<timestamp>.json.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
os.environ.setdefault("DEBUG", "false")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=50)
    args = parser.parse_args()

    import django

    django.setup()
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from bench import save_result
    from portal.models import Unit, User
    from tests.dossiers.factories import published_version, walk_in

    call_command("migrate", verbosity=0)
    timings, reprints = [], []
    with transaction.atomic():
        from portal import demo

        demo.seed()
        unit = Unit.objects.get(code="H56.20.01")
        clerk = User.objects.get(username="motcua.phandinhphung")
        version = published_version(code="9.900001", name="Đăng ký khai sinh (bench)", processing_time=Decimal("3"),
                                    components=("Tờ khai đăng ký khai sinh", "Giấy chứng sinh",
                                                "Văn bản ủy quyền", "Giấy tờ tùy thân của người đi đăng ký"))
        dossier = walk_in(
            clerk=clerk, unit=unit, version=version,
            applicant={"applicant_name": "Trần Thị Bích Ngọc", "applicant_personal_id": "019190001234",
                       "applicant_phone": "0987654321", "applicant_address": "Tổ 5, phường Phan Đình Phùng"},
        )
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(clerk)
        url = f"/dossiers/{dossier.code}/receipt.pdf"
        assert client.get(url).status_code == 200  # warm-up: fonts, templates
        from django.core.cache import cache

        for _ in range(args.n):
            cache.clear()
            for series in (timings, reprints):
                start = time.perf_counter()
                response = client.get(url)
                series.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
        transaction.set_rollback(True)
    timings.sort()
    reprints.sort()
    result = {
        "benchmark": "receipt_pdf",
        "requests": args.n,
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
        "max_ms": round(timings[-1], 1),
        "reprint_median_ms": round(statistics.median(reprints), 1),
        "reprint_p95_ms": round(reprints[int(0.95 * (len(reprints) - 1))], 1),
    }
    save_result("receipt_pdf", result)


if __name__ == "__main__":
    main()
