#!/usr/bin/env bash
# Refresh the translation catalogues: extract the English source strings into
# messages.pot, merge them into the fr/ar/en catalogues, then compile the .mo
# files (committed, so the app runs without a build step).
#
# Run from the repository root:  scripts/i18n.sh
# Use another pybabel with:      PYBABEL=/path/to/pybabel scripts/i18n.sh
set -euo pipefail

PYBABEL="${PYBABEL:-pybabel}"
DIR="workshop/translations"
POT="$DIR/messages.pot"
LOCALES=(fr ar en)

if [[ ! -f babel.cfg || ! -d workshop ]]; then
    echo "i18n.sh: run me from the repository root (where babel.cfg is)" >&2
    exit 1
fi

# 1. Extract. Into a temporary file first: when only POT-Creation-Date changed,
#    keep the old template so an unchanged code base leaves git clean.
tmp_pot="$(mktemp "${TMPDIR:-/tmp}/atelier-messages.XXXXXX.pot")"
trap 'rm -f "$tmp_pot"' EXIT
"$PYBABEL" extract -F babel.cfg -k _l -k lazy_gettext -o "$tmp_pot" \
    --no-location --sort-output \
    --project Atelier --copyright-holder "Atelier contributors" .
if [[ -f "$POT" ]] && diff -q \
    <(grep -v '^"POT-Creation-Date:' "$POT") \
    <(grep -v '^"POT-Creation-Date:' "$tmp_pot") >/dev/null; then
    echo "messages.pot: no change"
else
    cp "$tmp_pot" "$POT"
    echo "messages.pot: updated"
fi

# 2. Merge into each catalogue (create it when missing). No fuzzy guesses:
#    a new or changed string shows up as untranslated, and the tests say so.
for lang in "${LOCALES[@]}"; do
    if [[ ! -f "$DIR/$lang/LC_MESSAGES/messages.po" ]]; then
        "$PYBABEL" init -i "$POT" -d "$DIR" -l "$lang"
    fi
    "$PYBABEL" update -i "$POT" -d "$DIR" -l "$lang" \
        --no-fuzzy-matching --ignore-obsolete
done

# 3. Compile the .mo files, with a count of translated entries per language.
"$PYBABEL" compile -d "$DIR" --statistics
