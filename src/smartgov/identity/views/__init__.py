"""Identity's pages, one module per area: signing in and registering (``signin``), the profile and contact
verification (``profile``), security and sessions (``security``), a forgotten password (``password``), consents,
"my data" and the data stewards' queue (``privacy``)."""
