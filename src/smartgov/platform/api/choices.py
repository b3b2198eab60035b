"""API enums derived from a model's choices, under a name unique in the OpenAPI document.

A model's ``TextChoices`` used directly as a schema's type is named after its class (``Kind``), and OpenAPI
components are keyed by name: two models' ``Kind`` made the document describe one of them with the other's
values (issue 13, finding 9). ``choices_enum`` builds the enum from the choices, so it always holds every value
the model allows, and names it as the caller says (``UnitKind``, ``AgencyKind``)."""

import enum

from django.db import models


def choices_enum(name: str, choices: type[models.Choices]) -> type[enum.Enum]:
    """A ``str`` enum called ``name`` whose members are ``choices``' values (members named as in ``choices``)."""
    return enum.Enum(name, {member.name: member.value for member in choices}, type=str)  # type: ignore[return-value]
