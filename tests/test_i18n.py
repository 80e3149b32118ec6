"""Translation catalogues: complete, in step with the code, compiled, and used by the pages.

When one of these fails after a change of wording, run `scripts/i18n.sh`, translate the
new entries in workshop/translations/{fr,ar,en}/LC_MESSAGES/messages.po, run it again.
"""

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "workshop" / "translations"
LANGUAGES = ("fr", "ar", "en")
#: the same keywords as `pybabel extract -k _l -k lazy_gettext` (scripts/i18n.sh)
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(([^)]*)\)")
#: characters that would be read as markup, since Jinja does not escape translations
HTML_SPECIAL = '<>&"'
#: the home page shows this sentence, and no other page element repeats its words
HOME_HINT = "The code is shown on the big screen, under the QR code."


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def load_po(lang: str):
    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def entries(catalog):
    """The catalogue's messages, without the header entry."""
    return [m for m in catalog if m.id]


def forms(value) -> tuple[str, ...]:
    """A msgid or msgstr as a tuple of forms (plural entries have several)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def key(message_id, context=None) -> tuple:
    return (context, forms(message_id))


def translations(catalog) -> dict:
    return {key(m.id, m.context): forms(m.string) for m in entries(catalog)}


# (a) every entry translated, none fuzzy, placeholders kept


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_is_complete(lang):
    catalog = load_po(lang)
    assert entries(catalog), f"{po_path(lang)} has no entry"
    untranslated = [m.id for m in entries(catalog) if not all(s.strip() for s in forms(m.string))]
    fuzzy = [m.id for m in catalog if m.fuzzy]
    assert not untranslated, f"{lang}: untranslated entries: {untranslated}"
    assert not fuzzy, f"{lang}: fuzzy entries (header included): {fuzzy}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_entries_fill_every_form(lang):
    catalog = load_po(lang)
    for message in entries(catalog):
        if isinstance(message.id, (tuple, list)):
            got = forms(message.string)
            assert len(got) == catalog.num_plurals, (lang, message.id, got)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_kept(lang):
    wrong = []
    for message in entries(load_po(lang)):
        expected = {name for i in forms(message.id) for name in PLACEHOLDER.findall(i)}
        for string in forms(message.string):
            got = set(PLACEHOLDER.findall(string))
            if got != expected:
                wrong.append((message.id, string, sorted(expected), sorted(got)))
    assert not wrong, f"{lang}: placeholders differ from the msgid: {wrong}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_add_no_markup(lang):
    """Jinja marks `{{ _('...') }}` as safe: a translation is pasted into the HTML as is.

    So a msgstr must not bring in a character that HTML reads as markup, such as a `"` that
    would end an attribute (aria-label, alt, placeholder) early.
    """
    wrong = []
    for message in entries(load_po(lang)):
        source = "".join(forms(message.id))
        for string in forms(message.string):
            added = {c for c in HTML_SPECIAL if c in string and c not in source}
            if added:
                wrong.append((message.id, string, sorted(added)))
    assert not wrong, f"{lang}: translations add HTML-special characters: {wrong}"


def test_english_catalogue_is_the_source_text():
    differ = [
        (m.id, m.string) for m in entries(load_po("en")) if forms(m.string)[0] != forms(m.id)[0]
    ]
    assert not differ, f"en: msgstr differs from msgid: {differ}"


# (b) the catalogues hold exactly the strings the code uses now


def extracted_ids() -> set[tuple]:
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f, filename="babel.cfg")
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS)
    return {key(message, context) for _, _, message, _, context in found}


@pytest.fixture(scope="module")
def code_ids():
    ids = extracted_ids()
    assert ids, "no translatable string found in the code: is babel.cfg right?"
    return ids


@pytest.mark.parametrize("lang", [*LANGUAGES, "pot"])
def test_catalogue_matches_the_code(lang, code_ids):
    if lang == "pot":
        with (TRANSLATIONS / "messages.pot").open("rb") as f:
            catalog = read_po(f)
    else:
        catalog = load_po(lang)
    in_catalog = {key(m.id, m.context) for m in entries(catalog)}
    missing = sorted(code_ids - in_catalog, key=repr)
    extra = sorted(in_catalog - code_ids, key=repr)
    assert not missing and not extra, (
        f"{lang}: run scripts/i18n.sh and translate. "
        f"In the code but not the catalogue: {missing}. In the catalogue only: {extra}"
    )


# (c) the committed .mo files are a compile of the .po files


@pytest.mark.parametrize("lang", LANGUAGES)
def test_committed_mo_matches_po(lang):
    mo_path = po_path(lang).with_suffix(".mo")
    assert mo_path.is_file(), f"{mo_path} is missing: run scripts/i18n.sh"
    fresh = io.BytesIO()
    write_mo(fresh, load_po(lang))
    fresh.seek(0)
    expected = read_mo(fresh)
    with mo_path.open("rb") as f:
        committed = read_mo(f)
    assert translations(committed) == translations(expected), (
        f"{mo_path} is stale: run scripts/i18n.sh (pybabel compile)"
    )
    assert committed.plural_forms == expected.plural_forms


# (d) the pages are served in the chosen language


def translated(lang: str, msgid: str) -> str:
    """The msgstr as the page shows it: `{{ _('...') }}` is not escaped (see above)."""
    message = load_po(lang).get(msgid)
    assert message is not None and message.string, f"{lang}: no translation of {msgid!r}"
    return message.string


def home(client, **kwargs) -> str:
    response = client.get("/", **kwargs)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_home_in_arabic_is_right_to_left(client):
    arabic = translated("ar", HOME_HINT)
    assert re.search(r"[\u0600-\u06ff]", arabic), "the Arabic catalogue holds no Arabic here"
    page = home(client, headers={"Accept-Language": "ar"})
    assert 'lang="ar"' in page
    assert 'dir="rtl"' in page
    assert arabic in page
    assert HOME_HINT not in page


def test_home_in_english(client):
    page = home(client, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert 'lang="en"' in page
    assert 'dir="ltr"' in page
    assert HOME_HINT in page
    assert translated("fr", HOME_HINT) not in page


def test_home_defaults_to_french(client):
    french = translated("fr", HOME_HINT)
    assert french != HOME_HINT, "the French catalogue repeats the English"
    page = home(client)
    assert 'lang="fr"' in page
    assert 'dir="ltr"' in page
    assert french in page
    assert translated("fr", "Workshop code") in page
    assert HOME_HINT not in page


def test_lang_parameter_wins_over_the_browser(client):
    page = home(client, query_string={"lang": "en"}, headers={"Accept-Language": "ar"})
    assert 'lang="en"' in page
    assert 'dir="ltr"' in page
    assert HOME_HINT in page
    assert translated("ar", HOME_HINT) not in page
