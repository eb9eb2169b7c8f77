"""Where a page's time goes, in-process: the same requests as bench/run, through Django's test
client with the production settings, timed, split into SQL and the rest, and profiled.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_load \\
        .venv/bin/python bench/profile_pages.py [--only lookup inbox] [--requests 40] [--top 25]

One process, one request at a time, no network: the figures are the server's own CPU per
request, the part a load test divides the core by. "CPU" is the process's CPU time
(`time.process_time`: Python, the ORM, templates, the database driver; PostgreSQL's and Redis's
own work is in their processes), the best of `--rounds` rounds of `--requests` requests,
which depends little on what else the machine runs; wall-clock figures do. The profile is
sorted by own time (tottime) and, separately, by cumulative time of the project's functions.
With `--no-profile` the timings are saved as `bench/results/profile_pages-<time>.json`.
"""

import argparse
import cProfile
import datetime
import io
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import loadtest  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="scenarios (default: every page scenario)")
    parser.add_argument("--requests", type=int, default=40, help="requests measured per round")
    parser.add_argument("--rounds", type=int, default=4, help="rounds per scenario (CPU: the best round)")
    parser.add_argument("--top", type=int, default=25, help="rows of each profile")
    parser.add_argument("--no-profile", action="store_true", help="timings only")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dump", help="also save each profile as DUMP-<scenario>.prof (pstats)")
    args = parser.parse_args()
    os.environ.update(loadtest.bench_environment())
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, check=True)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    rows, dataset = loadtest.prepare(random.Random(args.seed))
    names = args.only or [n for n in rows if n not in ("mixed", "receipt_pdf_single")]
    load_before = os.getloadavg()
    summary = {}
    sql = {"seconds": 0.0, "count": 0}

    def timed_sql(execute, query, params, many, context):
        started = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            sql["seconds"] += time.perf_counter() - started
            sql["count"] += 1

    for name in names:
        requests = rows[name]
        client = Client(HTTP_HOST=loadtest.HOST)

        def get(url, cookie, address, client=client, name=name):
            response = client.get(url, HTTP_COOKIE=cookie, HTTP_X_FORWARDED_FOR=address,
                                  HTTP_X_FORWARDED_PROTO="https")
            if response.status_code != 200:
                sys.exit(f"{name}: {url} answered {response.status_code}")
            return response

        for url, cookie, address in requests[:5]:  # warm caches, templates, connections
            get(url, cookie, address)
        durations, sql_share, queries, cpu_rounds = [], [], [], []
        profiler = cProfile.Profile()
        with connection.execute_wrapper(timed_sql):
            for _round in range(args.rounds):
                cpu = []
                for n in range(args.requests):
                    url, cookie, address = requests[n % len(requests)]
                    sql.update(seconds=0.0, count=0)
                    started, started_cpu = time.perf_counter(), time.process_time()
                    if args.no_profile:
                        get(url, cookie, address)
                    else:
                        profiler.runcall(get, url, cookie, address)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                    durations.append((time.perf_counter() - started) * 1000)
                    sql_share.append(sql["seconds"] * 1000)
                    queries.append(sql["count"])
                cpu_rounds.append(statistics.mean(cpu))
        p95 = sorted(durations)[int(len(durations) * 0.95) - 1]
        summary[name] = {"cpu_ms": round(min(cpu_rounds), 2), "cpu_rounds_ms": [round(c, 2) for c in cpu_rounds],
                         "median_ms": round(statistics.median(durations), 2), "p95_ms": round(p95, 2),
                         "sql_ms": round(statistics.median(sql_share), 2),
                         "queries": statistics.median(queries)}
        print(f"\n=== {name}: CPU {min(cpu_rounds):.2f} ms (best of {args.rounds} rounds: "
              f"{', '.join(f'{c:.2f}' for c in cpu_rounds)}), wall median {statistics.median(durations):.1f} ms, "
              f"of which SQL {statistics.median(sql_share):.1f} ms in {statistics.median(queries):.0f} queries "
              f"(p95 {p95:.1f} ms{'' if args.no_profile else ', profiled'})", flush=True)
        if args.no_profile:
            continue
        if args.dump:
            profiler.dump_stats(f"{args.dump}-{name}.prof")
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
            stats.print_stats(args.top if order == "tottime" else r"(portal|dossiers|workflow|procedures|citizens|"
                              r"template|loader_tags|defaulttags|base|forms|widgets|crispy|middleware)", args.top)
            print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))
    print(f"\nload average before: {' / '.join(f'{v:.2f}' for v in load_before)}, "
          f"after: {' / '.join(f'{v:.2f}' for v in os.getloadavg())}")
    if args.no_profile:
        loadtest.RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        result = {"benchmark": "profile_pages", "file": f"profile_pages-{stamp}.json",
                  "at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                  "config": {"requests": args.requests, "rounds": args.rounds, "seed": args.seed},
                  "load_average": {"before": [round(v, 2) for v in load_before],
                                   "after": [round(v, 2) for v in os.getloadavg()]},
                  "dossiers": dataset["dossiers"], "pages": summary}
        (loadtest.RESULTS / result["file"]).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        print(f"saved bench/results/{result['file']}")


if __name__ == "__main__":
    main()
