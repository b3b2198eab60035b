"""Rules about accounts that need no database."""


def compact_identifier(typed: str) -> str:
    """What people type for a personal ID or tax code ("031 195 001 234", "0100109106-001") made canonical:
    digit groups joined; other account names only trimmed."""
    joined = "".join(typed.split())
    return joined if joined.replace("-", "").isdigit() else typed.strip()
