"""The officers' workspace ("Egov"): their home (queues, indicators, notifications), their menu built from every
app's staff entries, and the search over their agencies' dossiers (docs/workspaces.md)."""
