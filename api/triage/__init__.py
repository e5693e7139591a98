"""Triage of a citizen's inquiry: which department should take it (the HTTP and CLI face of
api/routing)."""
