#!/usr/bin/env bash
# Extract user-facing strings into kiosk/locale/onetrip.pot and merge them into each language's .po.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.py' | grep -E '^(kiosk|devices|ui|offline_queue)/' ; git ls-files --others --exclude-standard '*.py' | grep -E '^(kiosk|devices|ui|offline_queue)/' || true)
xgettext --language=Python --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=text --keyword=t \
  --no-location --sort-output --package-name=onetrip -o kiosk/locale/onetrip.pot $files
for po in kiosk/locale/*/LC_MESSAGES/onetrip.po; do
  msgmerge --quiet --update --backup=none --no-fuzzy-matching --sort-output "$po" kiosk/locale/onetrip.pot
done
