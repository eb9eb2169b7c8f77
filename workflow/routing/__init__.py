"""Routing: the route of a dossier (hand-offs between units and officers, each a row of the
process-control slip), the processing actions, the inbox."""
