"""Fixtures shared by the workflow tests."""

import pytest

from tests.workflow.test_stats import NOW


@pytest.fixture
def on_the_20th(time_machine):
    """The clock stopped at the statistics tests' "now" (20 October 2026)."""
    time_machine.move_to(NOW, tick=False)
