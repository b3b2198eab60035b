"""Every read of the warehouse (docs/warehouse.md): the catalog, who may read what, runs, rollups.
Each area is a module of its own; this package re-exports their public functions."""
