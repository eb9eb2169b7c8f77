#!/usr/bin/env python
"""Generate a realistic province for benchmarks (never run by make test):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_load .venv/bin/python bench/generate_load.py \\
        --dossiers 1000000 --seed 1

Deterministic for a given seed. Re-running reuses the generated organisation, catalogue and
citizens and does not add dossiers twice. --dry-run only prints what would be created. The
generator itself is bench/loadgen.py.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")


def parse(argv):
    parser = argparse.ArgumentParser(description="Generate a synthetic province for benchmarks.")
    parser.add_argument("--dossiers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--procedures", type=int, default=2200)
    parser.add_argument("--citizens", type=int, default=200_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    if args.dossiers < 0 or args.procedures < 1 or args.citizens < 0 or args.years < 1:
        parser.error("--dossiers, --citizens >= 0; --procedures, --years >= 1")
    return args


def main(argv=None, stdout=None):
    """Also called by tests (tests/workflow/test_loadgen.py), with Django already set up."""
    args = parse(argv)
    stdout = stdout or sys.stdout
    import django

    django.setup()
    from bench import loadgen

    if args.dry_run:
        stdout.write(f"Would create (if missing): a province of ~260 units with ~2,000 staff, {args.procedures} "
                     f"procedures, {args.citizens} citizens and {args.dossiers} dossiers over {args.years} years "
                     f"(seed {args.seed}).\n")
        return
    started = time.monotonic()
    loadgen.generate(dossiers=args.dossiers, seed=args.seed, procedures=args.procedures, citizens=args.citizens,
                     years=args.years, stdout=stdout)
    stdout.write(f"done in {time.monotonic() - started:.1f} s\n")


if __name__ == "__main__":
    main()
