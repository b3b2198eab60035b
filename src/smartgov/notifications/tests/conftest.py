from smartgov.procedures.tests.conftest import hp, small_units

__all__ = ["hp", "small_units"]
