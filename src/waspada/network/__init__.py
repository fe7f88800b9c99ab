"""Network intelligence: contacts, accounts and agencies shared across offers, screenings,
cases and watchlist entries; lookups, communities, brokers, entity review and exports."""
