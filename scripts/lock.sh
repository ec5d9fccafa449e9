#!/usr/bin/env bash
# `make lock`: rewrite requirements.lock, the exact versions `make` installs.
#
# pyproject.toml keeps lower bounds; the lock pins what was tested. This resolves pyproject afresh in a
# throwaway venv (the base dependencies and the test and sandbox extras, with all they pull in, at the
# newest releases within the bounds) and records the result with pip's own `pip freeze`: no extra
# tool, and the pins are what pip really installed. The train extra (scikit-learn, for
# `kiosk bench docscan-train` only) and the dictionary extra (jieba, for scripts/build-pinyin-words.py
# only) are not installed by make and stay unpinned.
# Sections: [installer] pip itself (make installs it first); [build] setuptools, which builds onetrip,
# and swig, which pyscard's source build needs (make passes the lock as --build-constraint too);
# [runtime] everything in the venv. Pins hold for CPython 3.11 on Linux x86_64 (Debian 12).
# Afterwards run `make test`, which installs exactly these versions; commit the lock once it passes.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
out=${1:-requirements.lock}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$PYTHON" -m venv "$tmp/env"
"$tmp/env/bin/python" -m pip install -q --upgrade pip
"$tmp/env/bin/python" -m pip install -q -e '.[test,sandbox]'
"$PYTHON" -m venv "$tmp/build"
"$tmp/build/bin/python" -m pip install -q --upgrade setuptools swig

{
  echo "# The exact versions \`make\` installs: pip -c requirements.lock --build-constraint requirements.lock."
  echo "# Written by \`make lock\` (scripts/lock.sh) on $(date -u +%F) with $("$tmp/env/bin/python" -V) on $(uname -sm);"
  echo "# tests/test_installs.py checks it against pyproject.toml and the venv."
  echo
  echo "# [installer]"
  "$tmp/env/bin/python" -m pip freeze --all | grep -i '^pip=='
  echo
  echo "# [build] setuptools builds onetrip; pyscard builds from source with setuptools and swig"
  "$tmp/build/bin/python" -m pip freeze --all | grep -iE '^(setuptools|swig)=='
  echo
  echo "# [runtime] pyproject's dependencies and its test and sandbox extras, with all they pull in"
  "$tmp/env/bin/python" -m pip freeze --exclude-editable
} > "$tmp/lock"
mv "$tmp/lock" "$out"
echo "lock: wrote $out ($(grep -c '==' "$out") pins); run make test before committing it"
