"""Shared kernel: locality, administrative units, agencies, calendar, audit log, outbox, money."""
