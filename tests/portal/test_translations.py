"""The English interface is complete: every French text of the code and templates has its
English translation in the catalogue."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def _extracted() -> set:
    method_map = [("portal/**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, keywords={"_": None, "_l": None, "lazy_gettext": None, "gettext": None, "ngettext": (1, 2)}):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_every_interface_text_has_an_english_translation():
    with (ROOT / "portal/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    translated = {message.id if isinstance(message.id, str) else tuple(message.id)
                  for message in catalogue if message.id and message.string
                  and (isinstance(message.string, str) or all(message.string))}
    missing = sorted(map(str, _extracted() - translated))
    assert missing == [], missing
