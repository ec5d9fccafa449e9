#!/usr/bin/env bash
# Start the system services the tests talk to (none are started by hand, ever). Idempotent: what is
# already running is left alone. Needs root (as make test on a hall machine or CI does).
set -euo pipefail

# CUPS with a PDF printer: the A4 document printer's tests print through a real spooler.
if ! pgrep -x cupsd >/dev/null; then
  /usr/sbin/cupsd
fi
for _ in $(seq 1 50); do
  lpstat -r 2>/dev/null | grep -q "is running" && break
  sleep 0.2
done
# each document deleted once printed, as a hall sets it (devices/docprinter/cups_keeping.py; CUPS's default keeps
# it a day); cupsctl restarts cupsd, so only when it is not set already
if ! cupsctl | grep -qx "PreserveJobFiles=No"; then
  cupsctl PreserveJobFiles=No
  for _ in $(seq 1 50); do
    lpstat -r 2>/dev/null | grep -q "is running" && break
    sleep 0.2
  done
fi
if ! lpstat -p OneTrip-A4 >/dev/null 2>&1; then
  lpadmin -p OneTrip-A4 -E -v cups-pdf:/ -m lsb/usr/cups-pdf/CUPS-PDF_opt.ppd 2>/dev/null
fi
lpstat -p OneTrip-A4 >/dev/null
# a queue whose printer never answers (a socket nobody listens on): CUPS keeps each job and retries, the driver
# cancels it (tests/test_document_printer.py)
if ! lpstat -p OneTrip-Unreachable >/dev/null 2>&1; then
  lpadmin -p OneTrip-Unreachable -E -v socket://127.0.0.1:9 -m lsb/usr/cups-pdf/CUPS-PDF_opt.ppd 2>/dev/null
fi
lpstat -p OneTrip-Unreachable >/dev/null

# a backend whose printer reports a state reason (out of paper, jammed), as a network printer's does
# (tests/cups_backend/onetriptest; tests/test_document_printer.py): installed where CUPS runs its backends
backends=/usr/lib/cups/backend
ours="$(cd "$(dirname "$0")/.." && pwd)/tests/cups_backend/onetriptest"
if ! cmp -s "$ours" "$backends/onetriptest"; then
  install -m 0755 "$ours" "$backends/onetriptest"
fi

# pcscd is not started here: tests/pcsc_rig.py runs it as the tests' child, with a vpcd reader
# configuration of its own, and restarts it under the running driver (a test needs that).
