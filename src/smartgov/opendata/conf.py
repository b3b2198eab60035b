"""Settings of the open data portal (docs/opendata.md, "Limits")."""

import environ

env = environ.Env()

#: The most datasets ``package_search`` returns in one answer (CKAN's ``ckan.search.rows_max``).
OPENDATA_SEARCH_ROWS_MAX = env.int("OPENDATA_SEARCH_ROWS_MAX", default=1000)
#: The largest JSON body an action accepts (bytes); an upload's file has its own limit.
OPENDATA_BODY_MAX_BYTES = env.int("OPENDATA_BODY_MAX_BYTES", default=1024 * 1024)
#: The largest file a publisher may upload as a resource (bytes).
OPENDATA_UPLOAD_MAX_BYTES = env.int("OPENDATA_UPLOAD_MAX_BYTES", default=100 * 1024 * 1024)
#: Requests one address may make to the Action API per minute (reads and writes alike), and wrong tokens per hour.
OPENDATA_API_RATE = env.int("OPENDATA_API_RATE", default=600)
OPENDATA_TOKEN_TRIES = env.int("OPENDATA_TOKEN_TRIES", default=20)
