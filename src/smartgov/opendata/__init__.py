"""The open data portal: datasets of the city's agencies, published through a CKAN-compatible Action API."""
