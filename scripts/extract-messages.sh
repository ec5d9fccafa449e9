#!/usr/bin/env bash
# Extract user-facing strings into common/locale/onetrip.pot and merge them into each language's .po.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.py' | grep -E '^(common|kiosk|devices|ui|offline_queue|entry)/' ; git ls-files --others --exclude-standard '*.py' | grep -E '^(common|kiosk|devices|ui|offline_queue|entry)/' || true)
xgettext --language=Python --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=text --keyword=t \
  --no-location --sort-output --package-name=onetrip -o common/locale/onetrip.pot $files
for po in common/locale/*/LC_MESSAGES/onetrip.po; do
  msgmerge --quiet --update --backup=none --no-fuzzy-matching --sort-output "$po" common/locale/onetrip.pot
done
