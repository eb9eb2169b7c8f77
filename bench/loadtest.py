#!/usr/bin/env python
"""Load test of the whole portal under gunicorn, production settings, PostgreSQL and Redis
(never run by make test; `bench/run` is the entry point, docs/performance.md the results).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_load bench/run

The database must hold a province made by `bench/generate_load.py` (1,000,000 dossiers for the
published figures). Two set-ups are measured in one run (`--setups`, SETUPS below):

- one-core: gunicorn 2 workers x 2 threads pinned to CPU 0, wrk pinned to CPU 1 (the reference
  set-up of the targets: the portal has one core, the load generator the other);
- two-process: gunicorn 4 workers x 2 threads on both CPUs and wrk on the same CPUs, with twice
  the connections: the server CPU a second node would add, with the load generator competing
  for it as a proxy and the other node's neighbours would.

For each set-up the baseline runs first and every figure is a ratio to the baseline of the same
set-up and run. Steps, per set-up after a common preparation:

1. prepare, in this process: pick staff, citizens and dossiers of the generated province with a
   fixed seed, log them in (sessions in the database, as a browser would hold them), and write
   one wrk Lua script per scenario listing its requests;
2. `collectstatic`, then start gunicorn pinned to the server CPUs (`taskset`), wait for /healthz/;
3. warm up: request every URL of every scenario once and stop if one answers other than 200;
4. run wrk pinned to the client CPU for each scenario: requests/s, p50/p95/p99, errors;
   the baseline (one primary-key query through the same middleware) runs first and every figure
   is also given as a ratio to it;
5. save bench/results/loadtest-<timestamp>.json and rewrite the latest table in
   docs/performance.md.

Every request carries `X-Forwarded-Proto: https` (the TLS proxy of production) and an
`X-Forwarded-For` client address (TRUSTED_PROXY_COUNT=1), so per-visitor rate limits apply per
simulated visitor as they do behind the real proxy.
"""

import argparse
import datetime
import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
PERFORMANCE_MD = ROOT / "docs" / "performance.md"
HOST = "127.0.0.1"

SEARCHES = ["dang ky khai sinh", "khai sinh", "KHAI SINH", "Đăng ký kết hôn", "giấy phép", "chứng nhận",
            "cap giay phep", "thu hoi", "xac nhan thong tin", "điều chỉnh", "ban sao", "dat dai", "ho tich",
            "khong co thu tuc nay", ""]

# Issue #9's targets, restated by issue #22 for the mixed workload as a ratio to the baseline of the
# same run: scenario -> [(figure, limit[, 'min' when the figure must reach the limit])]. They are
# judged on the one-core set-up, the reference; the two-process set-up reports its figures only.
TARGETS = {
    "lookup": [("p95_ms", 50), ("baseline_rps_ratio", 0.5)],
    "inbox": [("p95_ms", 100)],
    "counter_list": [("p95_ms", 100)],
    "catalogue_search": [("p95_ms", 50)],
    "dashboard": [("p95_ms", 300)],
    "receipt_pdf_single": [("p50_ms", 100)],
    "mixed": [("baseline_rps_ratio", 0.10, "min"), ("p95_ms", 300), ("errors", 0)],
}

# The set-ups: gunicorn's CPUs, workers and threads, wrk's CPUs and connections.
SETUPS = {
    "one-core": {"server_cpus": "0", "client_cpus": "1", "workers": 2, "threads": 2, "connections": 4,
                 "targets": True,
                 "title": "one-core: gunicorn 2 workers × 2 threads on CPU 0, wrk on CPU 1, 4 connections"},
    "two-process": {"server_cpus": "0,1", "client_cpus": "0,1", "workers": 4, "threads": 2, "connections": 8,
                    "targets": False,
                    "title": "two-process: gunicorn 4 workers × 2 threads on CPUs 0–1, wrk on the same CPUs, "
                             "8 connections"},
}
TITLES = {
    "baseline": "Baseline: one primary-key query through the middleware",
    "catalogue_search": "Anonymous catalogue search",
    "lookup": "Public lookup by code",
    "lookup_first": "Public lookup, each code for the first time (no kept page)",
    "my_dossiers": "Citizen: my dossiers",
    "counter_list": "Clerk: counter list",
    "dossier_detail": "Clerk: dossier detail",
    "inbox": "Officer: inbox",
    "dashboard": "Supervisor: dashboard",
    "receipt_pdf": "Receipt PDF",
    "receipt_pdf_single": "Receipt PDF, one at a time (warm)",
    "mixed": "Mixed workload (5% anonymous, 45% citizens, 40% clerks/officers, 10% supervisors)",
}

LUA = r"""
local requests = {
%(rows)s
}
local count = #requests
local index = 0
local statuses = {}

init = function(args)
  math.randomseed(%(seed)d)
  index = math.random(count) - 1
end

request = function()
  index = (index %% count) + 1
  local r = requests[index]
  local headers = {["Host"] = "%(host)s", ["X-Forwarded-Proto"] = "https", ["X-Forwarded-For"] = r[3]}
  if r[2] ~= "" then headers["Cookie"] = r[2] end
  return wrk.format("GET", r[1], headers)
end

response = function(status, headers, body)
  if status ~= 200 then statuses[status] = (statuses[status] or 0) + 1 end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d, "mean_us": %%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
"""


# Scenarios whose URLs the warm-up must not request (they measure a first request).
NOT_WARMED = {"lookup_first"}


def lua_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds of measurement per scenario")
    parser.add_argument("--setups", nargs="+", choices=list(SETUPS), default=list(SETUPS),
                        help="set-ups to measure, in this order (default: all)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", nargs="*", help="run only these scenarios (the baseline always runs)")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/performance.md")
    return parser.parse_args()


def bench_environment():
    env = dict(os.environ)
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must point at a PostgreSQL database loaded by `bench/generate_load.py`.")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
    env.setdefault("SECRET_KEY", "bench-" + "k" * 60)
    env.setdefault("NOTIFY_SMS_LOG_ONLY", "true")
    env["ALLOWED_HOSTS"] = HOST
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env["TRUSTED_PROXY_COUNT"] = "1"
    env.setdefault("STATIC_ROOT", str(ROOT / "var" / "bench-static"))
    env.setdefault("MEDIA_ROOT", str(ROOT / "var" / "media"))
    return env


# --- 1. preparation ----------------------------------------------------------------------


def prepare(rng):
    """Users logged in, sample dossiers and the request lists of every scenario."""
    from django.db.models import Count, Max, Min
    from django.test import Client

    from dossiers.models import Dossier, Status
    from portal.models import Membership, Role, Unit
    from procedures.models import Procedure
    from workflow.models import Handoff

    province = Unit.objects.filter(code="L01").first()
    if province is None or not Dossier.objects.filter(receiving_unit__path__startswith=province.path).exists():
        sys.exit("No generated province in this database: run `bench/generate_load.py --dossiers N` first.")

    def session_cookie(user):
        from django.conf import settings
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from portal.mfa import mfa_required

        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        if mfa_required(user):
            # Staff have passed the second sign-in step (portal/mfa.py) with an authenticator of
            # their own, as every staff session in production has.
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
                user=user, name="bench", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    def ip():
        return f"10.{rng.randrange(1, 255)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"

    def members(role, units):
        return list(Membership.objects.filter(role=role, unit__in=units).select_related("user", "unit")
                    .order_by("unit__code", "user__username"))

    communes = list(Unit.objects.filter(path__startswith=province.path, level__code="commune").order_by("code"))
    busy = sorted(communes, key=lambda u: u.code)[:: max(1, len(communes) // 12)][:12]
    clerks = [m for m in members(Role.CLERK, busy) if m.user.username.endswith(".0")]
    officers = [m for m in members(Role.OFFICER, busy) if m.user.username.endswith(".0")]
    supervisors = members(Role.SUPERVISOR, [province]) + members(
        Role.SUPERVISOR, Unit.objects.filter(parent=province, level__code="district"))[:3]

    bounds = Dossier.objects.aggregate(low=Min("pk"), high=Max("pk"))
    picks = [rng.randrange(bounds["low"], bounds["high"] + 1) for _ in range(30000)]
    sampled = list(Dossier.objects.filter(pk__in=picks).exclude(lookup_pin="").values_list("code", "lookup_pin", "pk"))
    rng.shuffle(sampled)
    # The lookup scenario repeats 1,000 codes (citizens come back to their dossier, and the
    # warm-up has seen each): kept pages. lookup_first asks each of up to 20,000 other codes
    # once, never warmed: the first lookup of a code, rendered and checked in full.
    lookups, first_lookups = sampled[:1000], sampled[1000:21000]
    citizens = list(Dossier.objects.filter(pk__in=picks, citizen__isnull=False).values_list("citizen", flat=True)
                    .distinct()[:200])
    from portal.models import User

    citizen_users = list(User.objects.filter(pk__in=citizens).order_by("pk")[:100])
    citizen_dossiers = {}
    for citizen_id, code in (Dossier.objects.filter(citizen__in=citizen_users).order_by("citizen", "-received_at")
                             .values_list("citizen", "code")):
        citizen_dossiers.setdefault(citizen_id, []).append(code)

    rows = {name: [] for name in TITLES if name != "mixed"}
    rows["baseline"] = [(f"/_bench/baseline/{pk}/", "", ip()) for _code, _pin, pk in lookups]
    for query in SEARCHES:
        rows["catalogue_search"].append(
            ("/procedures/?" + urllib.parse.urlencode({"q": query}) if query else "/procedures/", "", ip()))
    rows["lookup"] = [("/track/?" + urllib.parse.urlencode({"code": code, "secret": pin}), "", ip())
                      for code, pin, _pk in lookups]
    rows["lookup_first"] = [("/track/?" + urllib.parse.urlencode({"code": code, "secret": pin}), "", ip())
                            for code, pin, _pk in first_lookups]
    for user in citizen_users:
        cookie, address = session_cookie(user), ip()
        rows["my_dossiers"].append(("/my/", cookie, address))
        for code in citizen_dossiers.get(user.pk, [])[:3]:
            rows.setdefault("citizen_dossier", []).append((f"/my/dossiers/{code}/", cookie, address))
    for member in clerks:
        cookie, address = session_cookie(member.user), ip()
        rows["counter_list"].append(("/counter/", cookie, address))
        recent = list(Dossier.objects.filter(receiving_unit=member.unit, received_at__isnull=False)
                      .order_by("-received_at").values_list("code", flat=True)[:10])
        rows["dossier_detail"] += [(f"/dossiers/{code}/", cookie, address) for code in recent]
        rows["receipt_pdf"] += [(f"/dossiers/{code}/receipt.pdf", cookie, address) for code in recent[:4]]
    rows["receipt_pdf_single"] = list(rows["receipt_pdf"])
    for member in officers:
        rows["inbox"].append(("/inbox/", session_cookie(member.user), ip()))
    for member in supervisors:
        cookie, address = session_cookie(member.user), ip()
        rows["dashboard"].append(("/supervision/dashboard/", cookie, address))
        rows.setdefault("supervisor_lists", []).append(("/supervision/dossiers/?state=overdue", cookie, address))
    for name, value in rows.items():
        if not value:
            sys.exit(f"Scenario {name}: nothing to request in this database.")
        rng.shuffle(value)

    # The mixed workload: a request list drawn with the share of each population and, within
    # it, of each page. A receipt is printed about once per reception (1-3 thousand a day in a
    # province) while lists and dossier pages are opened many times: 2 % of all requests.
    mix = [
        (5, [("catalogue_search", 3), ("lookup", 2)]),
        (45, [("my_dossiers", 25), ("citizen_dossier", 20)]),
        (40, [("counter_list", 12), ("dossier_detail", 14), ("inbox", 12), ("receipt_pdf", 2)]),
        (10, [("dashboard", 5), ("supervisor_lists", 5)]),
    ]
    mixed = []
    for _share, pages in mix:
        for name, weight in pages:
            mixed += [rows[name][rng.randrange(len(rows[name]))] for _ in range(weight * 20)]
    rng.shuffle(mixed)
    rows["mixed"] = mixed

    dataset = {
        "dossiers": Dossier.objects.count(),
        "open_dossiers": Dossier.objects.filter(status__in=[
            Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED,
            Status.PAYMENT_REQUESTED]).count(),
        "handoffs": Handoff.objects.count(),
        "units": Unit.objects.count(),
        "staff_memberships": Membership.objects.count(),
        "procedures": Procedure.objects.count(),
        "citizens": User.objects.filter(personal_id__isnull=False).exclude(personal_id="").count(),
        "inbox_rows_of_sampled_officers": Handoff.objects.filter(
            unit__in=[m.unit for m in officers], state=Handoff.State.ACTIVE).values("unit").annotate(
            n=Count("pk")).aggregate(m=Max("n"))["m"],
    }
    return rows, dataset


def write_scripts(rows, directory, seed):
    Path(directory).mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, requests in rows.items():
        body = ",\n".join(f"  {{{lua_string(p)}, {lua_string(c)}, {lua_string(a)}}}" for p, c, a in requests)
        path = Path(directory) / f"{name}.lua"
        path.write_text(LUA % {"rows": body, "seed": seed, "host": HOST})
        paths[name] = path
    return paths


# --- 2. the server -----------------------------------------------------------------------


def start_server(args, setup, env, log):
    python = Path(sys.executable)
    gunicorn = shutil.which("gunicorn", path=str(python.parent)) or "gunicorn"
    command = ["taskset", "-c", setup["server_cpus"], gunicorn, "portal.wsgi:application",
               "--bind", f"{HOST}:{args.port}", "--workers", str(setup["workers"]), "--threads",
               str(setup["threads"]),
               "--worker-class", "gthread", "--timeout", "60", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://{HOST}:{args.port}/healthz/", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}; see {log.name}")
        time.sleep(0.5)
    stop_server(server)
    sys.exit("gunicorn did not answer /healthz/ within a minute")


def stop_server(server):
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


# --- 3. warm-up --------------------------------------------------------------------------


def warm(rows, port):
    """Every distinct URL once; any answer but 200 stops the run (a benchmark of error pages
    measures nothing)."""
    seen = set()
    for name, requests in rows.items():
        if name in NOT_WARMED:
            continue
        for path, cookie, address in requests:
            if (path, cookie) in seen:
                continue
            seen.add((path, cookie))
            request = urllib.request.Request(f"http://{HOST}:{port}{path}", headers={
                "Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": address, "Cookie": cookie})
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    status = answer.status
                    answer.read()
            except urllib.error.HTTPError as error:
                status = error.code
            if status != 200:
                sys.exit(f"warm-up: {name} {path} answered {status}")
    return len(seen)


# --- 4. measuring ------------------------------------------------------------------------


def cpu_times(cpus):
    """Per-CPU jiffies from /proc/stat for the CPUs of a taskset list ("0", "0,1", "0-1")."""
    wanted = set()
    for part in cpus.split(","):
        low, _, high = part.partition("-")
        wanted.update(range(int(low), int(high or low) + 1))
    times = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *values = line.split()
        if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in wanted:
            times[int(name[3:])] = [int(v) for v in values]
    return times


def steal_percent(before, after):
    """Share of the server CPUs' time taken by the hypervisor (steal) between two readings:
    a run on a busy host is slow for reasons no code change explains."""
    total = stolen = 0
    for cpu, start in before.items():
        delta = [b - a for a, b in zip(start, after[cpu], strict=False)]
        total += sum(delta[:8])  # user nice system idle iowait irq softirq steal
        stolen += delta[7] if len(delta) > 7 else 0
    return round(100 * stolen / total, 1) if total else 0.0


def run_wrk(script, args, cpus, connections, duration):
    command = ["taskset", "-c", cpus, "wrk", "-t1", f"-c{connections}", f"-d{duration}s",
               "--timeout", "30s", "-s", str(script), f"http://{HOST}:{args.port}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"WRKJSON (\{.*\})", output)
    if not match:
        sys.exit(f"wrk printed no result:\n{output}")
    raw = json.loads(match.group(1))
    seconds = raw["duration_us"] / 1e6
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return {
        "requests": raw["requests"], "seconds": round(seconds, 2), "connections": connections,
        "rps": round(raw["requests"] / seconds, 1), "errors": errors,
        "errors_by_kind": {k: raw[k] for k in ("connect", "read", "write", "status", "timeout") if raw[k]},
        "p50_ms": round(raw["p50_us"] / 1000, 1), "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1), "max_ms": round(raw["max_us"] / 1000, 1),
        "mean_ms": round(raw["mean_us"] / 1000, 1),
    }


def check_targets(name, figures):
    verdicts = []
    for target in TARGETS.get(name, []):
        key, limit = target[0], target[1]
        kind = target[2] if len(target) > 2 else ("min" if key.endswith("ratio") else "max")
        value = figures[key]
        ok = value >= limit if kind == "min" else value <= limit
        verdicts.append({"figure": key, "limit": limit, "kind": kind, "value": value, "holds": ok})
    return verdicts


# --- 5. reporting ------------------------------------------------------------------------


def versions(env):
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    gunicorn = subprocess.run([str(Path(sys.executable).parent / "gunicorn"), "--version"], capture_output=True,
                              text=True).stdout.strip()
    redis = subprocess.run(["redis-cli", "-u", env["REDIS_URL"], "INFO", "server"], capture_output=True,
                           text=True).stdout
    redis_version = (re.search(r"redis_version:(\S+)", redis) or [None, "?"])[1]
    return {"python": platform.python_version(), "django": django.get_version(), "postgresql": postgres,
            "redis": redis_version, "gunicorn": gunicorn, "wrk": wrk}


def machine():
    model = "?"
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1] if Path("/proc/meminfo").exists() else "0"
    return {"cpu": model, "cpus": os.cpu_count(), "memory_gib": round(int(memory) / 1024 / 1024, 1),
            "kernel": platform.release()}


def setup_table(name, run):
    lines = [
        "| scenario | requests/s | × baseline | p50 | p95 | p99 | errors | steal | target | holds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for scenario, figures in run["scenarios"].items():
        targets = "; ".join(
            f"{v['figure'].replace('_ms', '').replace('baseline_rps_ratio', '× baseline rps')} "
            f"{'≥' if v['kind'] == 'min' else '≤'} {v['limit']}{' ms' if v['figure'].endswith('_ms') else ''}"
            for v in figures["targets"]) or "—"
        holds = ("yes" if all(v["holds"] for v in figures["targets"]) else "**no**") if figures["targets"] else "—"
        lines.append(
            f"| {TITLES[scenario]} | {figures['rps']:.1f} | {figures['baseline_rps_ratio']:.2f} | "
            f"{figures['p50_ms']:.1f} ms | {figures['p95_ms']:.1f} ms | {figures['p99_ms']:.1f} ms | "
            f"{figures['errors']} | {figures.get('steal_pct', 0):.0f} % | {targets} | {holds} |")
    return "\n".join(lines)


def markdown_table(result):
    """The latest-run section: a summary of the mixed workload's ratio to the baseline per
    set-up, then one table per set-up."""
    lines = [
        f"Run of {result['at'][:16].replace('T', ' ')} on {result['dataset']['dossiers']:,} dossiers "
        f"({result['machine']['cpus']} CPUs, {result['config']['duration_s']} s per scenario, load average "
        f"before the run {result['load_average_before']}; `bench/results/{result['file']}`). Steal: the share of "
        f"the server CPUs' time the hypervisor took during the scenario (a busy host slows every figure). "
        f"Targets are judged on the one-core set-up.",
        "",
        "| set-up | baseline requests/s | mixed requests/s | mixed × baseline | mixed p95 | mixed errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, run in result["setups"].items():
        base, mixed = run["scenarios"]["baseline"], run["scenarios"].get("mixed")
        if mixed:
            lines.append(f"| {name} | {base['rps']:.1f} | {mixed['rps']:.1f} | {mixed['baseline_rps_ratio']:.3f} | "
                         f"{mixed['p95_ms']:.1f} ms | {mixed['errors']} |")
    for name, run in result["setups"].items():
        lines += ["", f"**{SETUPS[name]['title']}**", "", setup_table(name, run)]
    return "\n".join(lines)


def update_docs(result):
    begin, end = "<!-- loadtest:latest -->", "<!-- /loadtest:latest -->"
    text = PERFORMANCE_MD.read_text() if PERFORMANCE_MD.exists() else f"# Performance\n\n{begin}\n{end}\n"
    if begin not in text:
        text += f"\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    _old, tail = rest.split(end, 1)
    PERFORMANCE_MD.write_text(f"{head}{begin}\n{markdown_table(result)}\n{end}{tail}")


def measure(args, name, setup, env, scripts, rows, scenarios, log):
    """One set-up: gunicorn started as the set-up says, warmed, every scenario under wrk."""
    print(f"\n[{name}] starting gunicorn: {setup['title']} …", flush=True)
    server = start_server(args, setup, env, log)
    results = {}
    try:
        print(f"[{name}] warm-up: {warm(rows, args.port)} distinct URLs answered 200", flush=True)
        run_wrk(scripts["mixed"], args, setup["client_cpus"], setup["connections"], 10)
        for scenario in scenarios:
            connections_ = 1 if scenario == "receipt_pdf_single" else setup["connections"]
            before = cpu_times(setup["server_cpus"])
            figures = run_wrk(scripts[scenario], args, setup["client_cpus"], connections_, args.duration)
            figures["steal_pct"] = steal_percent(before, cpu_times(setup["server_cpus"]))
            results[scenario] = figures
            print(f"[{name}] {scenario:20} {figures['rps']:8.1f} req/s  p50 {figures['p50_ms']:7.1f} ms  "
                  f"p95 {figures['p95_ms']:7.1f} ms  p99 {figures['p99_ms']:7.1f} ms  "
                  f"errors {figures['errors']}  steal {figures['steal_pct']} %", flush=True)
    finally:
        stop_server(server)
    base = results["baseline"]
    for scenario, figures in results.items():
        figures["baseline_rps_ratio"] = round(figures["rps"] / base["rps"], 3) if base["rps"] else 0
        figures["baseline_p50_ratio"] = round(figures["p50_ms"] / base["p50_ms"], 2) if base["p50_ms"] else 0
        figures["targets"] = check_targets(scenario, figures) if setup["targets"] else []
    config = {key: value for key, value in setup.items() if key != "title"}
    return {"config": config, "scenarios": results,
            "mixed_to_baseline": results["mixed"]["baseline_rps_ratio"] if "mixed" in results else None}


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk (bench/run does it).")
    env = bench_environment()
    os.environ.update(env)
    import django

    django.setup()
    load_before = os.getloadavg()
    rng = random.Random(args.seed)
    print("preparing sessions and request lists …", flush=True)
    rows, dataset = prepare(rng)
    from django.db import connections

    connections.close_all()
    scenarios = ["baseline", "catalogue_search", "lookup", "lookup_first", "my_dossiers", "counter_list",
                 "dossier_detail", "inbox", "dashboard", "receipt_pdf", "receipt_pdf_single", "mixed"]
    if args.only:
        unknown = set(args.only) - set(scenarios)
        if unknown:
            sys.exit(f"unknown scenarios: {', '.join(sorted(unknown))}")
        scenarios = ["baseline"] + [s for s in scenarios if s in args.only and s != "baseline"]
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True)
    runs = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        log_path = RESULTS / f"loadtest-{stamp}.gunicorn.log"
        with open(log_path, "w") as log:
            for index, name in enumerate(args.setups):
                # Each set-up asks its own share of the never-asked codes: a code the previous
                # set-up asked is a kept page now.
                own = dict(rows, lookup_first=rows["lookup_first"][index::len(args.setups)])
                scripts = write_scripts(own, Path(directory) / name, args.seed)
                runs[name] = measure(args, name, SETUPS[name], env, scripts, own, scenarios, log)
        if log_path.stat().st_size == 0:
            log_path.unlink()
    result = {
        "benchmark": "loadtest",
        "file": f"loadtest-{stamp}.json",
        "at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "config": {"duration_s": args.duration, "setups": args.setups,
                   "settings": "bench.settings (portal.settings.prod + baseline URL)", "seed": args.seed},
        "load_average_before": " / ".join(f"{value:.2f}" for value in load_before),
        "versions": versions(env),
        "machine": machine(),
        "dataset": dataset,
        "setups": runs,
        "targets_hold": all(v["holds"] for run in runs.values() for f in run["scenarios"].values()
                            for v in f["targets"]),
    }
    (RESULTS / result["file"]).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    if not args.no_docs and not args.only:
        update_docs(result)
    print(markdown_table(result))


if __name__ == "__main__":
    main()
