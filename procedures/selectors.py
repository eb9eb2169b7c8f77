"""Reads of the procedures app, already scoped to the requesting user."""
