"""What each notification says, in the person's language (the English text is the message id; Vietnamese is in
the translation catalogue like every other text of the platform)."""

from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from smartgov.platform.money import format_vnd

#: kind → (title, text); ``%(code)s``, ``%(procedure)s``, ``%(due)s`` come from the event, ``%(amount)s`` is its
#: ``amount_vnd`` written the way the language writes money.
MESSAGES: dict[str, tuple[Promise, Promise]] = {
    "submitted": (
        _("Dossier %(code)s received"),
        _("Your dossier %(code)s (%(procedure)s) was received. Appointment: %(due)s."),
    ),
    "accepted": (
        _("Dossier %(code)s accepted"),
        _("Your dossier %(code)s was accepted and is being processed. Appointment: %(due)s."),
    ),
    "payment_due": (
        _("Fee due for dossier %(code)s"),
        _("Pay %(amount)s for dossier %(code)s online: processing goes on as soon as it is paid."),
    ),
    "paid": (
        _("Payment received for dossier %(code)s"),
        _("We received %(amount)s for dossier %(code)s. The e-receipt is on the dossier's page."),
    ),
    "supplement": (
        _("Dossier %(code)s: documents needed"),
        _("The one-stop shop asks you to complete dossier %(code)s. See what is needed on the dossier's page."),
    ),
    "refused": (
        _("Dossier %(code)s not accepted"),
        _("Dossier %(code)s was not accepted. The reasons are on the dossier's page."),
    ),
    "apology": (
        _("Dossier %(code)s: new appointment"),
        _("We are sorry: dossier %(code)s will be late. The new appointment is %(due)s."),
    ),
    "result_ready": (
        _("Result of dossier %(code)s is ready"),
        _("The signed result of dossier %(code)s is ready; it is in your document store."),
    ),
    "returned": (
        _("Result of dossier %(code)s handed over"),
        _("The result of dossier %(code)s was handed over. Tell us how the service was."),
    ),
    "stopped": (
        _("Processing of dossier %(code)s stopped"),
        _("Processing of dossier %(code)s was stopped. The reasons are on the dossier's page."),
    ),
}


def render(kind: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    title, text = MESSAGES[kind]
    values = {"code": "", "procedure": "", "due": "—", **context}
    values["amount"] = format_vnd(int(context.get("amount_vnd") or 0), language)
    with translation.override(language):
        return str(title) % values, str(text) % values
