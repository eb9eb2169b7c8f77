"""Production settings plus one baseline view, for `bench/run` only (never deployed)."""

from portal.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
