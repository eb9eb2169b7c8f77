"""Reads of the workflow app, already scoped to the requesting user."""
