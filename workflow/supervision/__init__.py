"""Supervision: statistics, Decision 766 indicators, daily counters, dashboards, exports and
public disclosure."""
