"""Waspada: stop trafficking of Indonesians into online-scam compounds, and bring victims home."""

__version__ = "0.1.0"
