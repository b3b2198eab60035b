"""Every write of the warehouse (docs/warehouse.md): the catalog, ingestion runs and versions, queries, publishing.
Each area is a module of its own; this package re-exports their public functions."""
