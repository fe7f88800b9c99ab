"""The public portal's own pages: the safe-migration guide and the hotlines."""
