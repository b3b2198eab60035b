"""The warehouse's pages: one module per area (the catalog, runs, queries), each with its ``urlpatterns``."""
