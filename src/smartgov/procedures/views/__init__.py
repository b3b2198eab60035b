"""The public services' pages, one module per area: ``catalog`` (the catalog, a procedure, tracking),
``applicant`` (applying and the applicant's dossiers), ``officer`` (the one-stop shop's queue, a dossier and its
moves), ``kpi`` (the service-quality dashboard), ``payment``, ``results`` (signed results and the document
store), ``portal`` (the national portal's backlog), ``stewards`` (the catalog's management: edit, Excel out and
in). ``procedures/urls.py`` gathers their URLs."""
