"""Reads of the citizens app, already scoped to the requesting user."""
