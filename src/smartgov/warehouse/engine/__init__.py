"""The warehouse's engine, free of Django: storage, Delta Lake versions, readers, ingestion with quality rules,
governed query on DuckDB or Spark. The app (models, services, pages) decides who may do what and calls it."""
