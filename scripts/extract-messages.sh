#!/usr/bin/env bash
# Extract user-facing strings into common/locale/onetrip.pot and merge them into each language's .po
# (new messages arrive untranslated; fill zh_CN with scripts/add-translations.py, then make i18n).
# The keywords that mark a message live in scripts/catalogues.py, shared with tests/test_i18n.py.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 scripts/catalogues.py pot common/locale/onetrip.pot
for po in common/locale/*/LC_MESSAGES/onetrip.po; do
  msgmerge --quiet --update --backup=none --no-fuzzy-matching --no-wrap --sort-output "$po" common/locale/onetrip.pot
done
