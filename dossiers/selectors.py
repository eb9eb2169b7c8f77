"""Reads of the dossiers app, already scoped to the requesting user."""
