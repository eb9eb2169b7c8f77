"""Benchmarks (bench/README.md). Each script saves its numbers with `save_result`."""

import json
import os
import platform
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def save_result(name, result):
    """Add where and when it ran, write bench/results/<name>-<timestamp>.json and print it."""
    from django.db import connection

    result = {
        **result,
        "database": connection.vendor,
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu",
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    (RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(text)
    print(text)
    return result
