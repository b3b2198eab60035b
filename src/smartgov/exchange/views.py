"""Pages of the data-exchange gateway (filled in below)."""
