"""Writes of the procedures app: one business action per function, each in one transaction."""
