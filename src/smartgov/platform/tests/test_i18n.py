"""The Vietnamese catalogue is complete: every string of the platform has a translation."""

from pathlib import Path

import polib
from django.conf import settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "src" / "smartgov" / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_every_string_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [], "translate these in locale/vi/LC_MESSAGES/django.po"
    assert fuzzy == [], "review these fuzzy translations"


def test_placeholders_survive_translation():
    po = polib.pofile(str(CATALOGUE))
    import re

    def names(text: str) -> set[str]:
        return set(re.findall(r"%\((\w+)\)[sd]", text))

    for entry in po.translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert names(text) == names(entry.msgid), entry.msgid


def test_the_compiled_catalogue_is_used():
    with translation.override("vi"):
        assert translation.gettext("Administrative units") == "Đơn vị hành chính"
    with translation.override("en"):
        assert translation.gettext("Administrative units") == "Administrative units"
