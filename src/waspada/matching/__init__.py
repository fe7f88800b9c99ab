"""Identity matching: real-time watchlist screening and duplicate-identity detection."""
