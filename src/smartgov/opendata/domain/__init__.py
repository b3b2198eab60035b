"""The open data portal's pure rules: the licences offered, the names CKAN accepts."""
