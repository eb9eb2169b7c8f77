"""Deadlines: the sweep that marks and announces crossed thresholds, daily digests and the
legal-basis watch."""
