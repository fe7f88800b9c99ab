"""Departure and passport-application screening: interview, assessment, decision, record."""
