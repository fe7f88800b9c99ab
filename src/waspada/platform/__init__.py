"""Shared infrastructure, no domain knowledge: settings, database, security, audit, web."""
