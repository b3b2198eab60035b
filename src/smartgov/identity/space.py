"""The account's own sections of the person's space (docs/kernel.md §1): profile, security, consents, my data."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from smartgov.identity.models import ConsentRecord
from smartgov.identity.selectors import User, consent_state, has_second_factor
from smartgov.platform.space import SpaceSection


def _profile(user: User) -> str:
    unconfirmed = (bool(user.email) and not user.email_verified_at) or (bool(user.phone) and not user.phone_verified_at)
    return _("Contact details to confirm") if unconfirmed else _("Contact details confirmed")


def _security(user: User) -> str:
    return _("Two-step sign-in on") if has_second_factor(user) else _("Two-step sign-in off")


def _consents(user: User) -> str:
    given = sum(
        1 for record in consent_state(user=user).values() if record and record.action == ConsentRecord.Action.GIVEN
    )
    return ngettext("%(n)d consent given", "%(n)d consents given", given) % {"n": given} if given else _("None given")


def _my_data(user: User) -> str:
    return _("Download a copy, ask for a correction")


SECTIONS = [
    SpaceSection(
        gettext_lazy("Profile"),
        "identity:profile",
        _profile,
        description=gettext_lazy("Your name, e-mail address and mobile phone."),
        order=50,
    ),
    SpaceSection(
        gettext_lazy("Security"),
        "identity:security",
        _security,
        description=gettext_lazy("Password, two-step sign-in, recovery codes and where you are signed in."),
        order=60,
    ),
    SpaceSection(
        gettext_lazy("Consents"),
        "identity:consents",
        _consents,
        description=gettext_lazy("What you allow the administration to do with your data."),
        order=70,
    ),
    SpaceSection(
        gettext_lazy("My data"),
        "identity:my-data",
        _my_data,
        description=gettext_lazy("What the portal holds about you and who looked at it."),
        order=80,
    ),
]
