"""The CKAN Action API v3 (docs/opendata.md): CKAN's own wire format, so that any tool written for CKAN works
against SmartGov unchanged. Plain Django views answering CKAN's envelope (not the platform's RFC 7807 problem
details, which CKAN clients do not read)."""
