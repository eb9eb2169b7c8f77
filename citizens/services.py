"""Writes of the citizens app: one business action per function, each in one transaction."""
