"""Identity's pure rules: no database, no request (docs/kernel.md §2)."""
