"""Exchange between Waspada installations: keys, partners, signed and encrypted bundles,
inbox, outbox and delivery (docs/exchange.md)."""
