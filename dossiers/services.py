"""Writes of the dossiers app: one business action per function, each in one transaction."""
