"""Synthetic, deterministic demo data (people, units, accounts) for the demo and for tests."""
