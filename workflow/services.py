"""Writes of the workflow app: one business action per function, each in one transaction."""
