"""Accounts, roles and single sign-on (OIDC provider) for citizens, businesses and staff."""
