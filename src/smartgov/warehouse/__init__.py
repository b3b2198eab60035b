"""The shared data warehouse: a catalog of shared databases and tables, versioned ingestion with quality rules,
master data, and governed SQL over Delta Lake tables (docs/warehouse.md)."""
