#!/usr/bin/env bash
# Install the Debian packages OneTrip needs, only those missing. Idempotent; run as root.
# Used by `make demo` and `make test` so that a bare Debian 12 machine works with two commands.
set -euo pipefail

PACKAGES=(
  python3 python3-venv python3-dev gcc make       # the virtualenv; pyscard builds from source
  libzbar0                                        # pyzbar loads zbar at run time
  libpcsclite-dev pcscd vsmartcard-vpcd           # a real PC/SC stack and a virtual card reader for tests
  fonts-wqy-microhei                              # Chinese glyphs for Qt, receipts and PDFs
  fontconfig                                      # fc-match (common/fonts.py), fc-list and the font cache
  libgl1 libegl1 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libglib2.0-0                                    # every Qt6 library in the PySide6 wheel links libglib/libgthread
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1 libpulse0
  libnss3 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxkbfile1 libasound2
  xvfb xauth                                      # Qt under a real X display
  x11-utils                                       # xwininfo: where the X server put each window (tests)
  x11-xserver-utils                               # xrandr: RandR monitors (tests); xset: screen blanking off
  xserver-xorg-core xserver-xorg-video-dummy      # an X server whose mode xrandr switches: a monitor coming on (tests)
  cups printer-driver-cups-pdf poppler-utils      # A4 printing and PDF checks
  cups-ipp-utils dbus-daemon                      # a real IPP printer for tests (ippeveprinter; its DNS-SD wants a bus)
  snmpd                                           # a JetDirect printer's SNMP agent for tests (tests/snmp_agent_rig.py)
  gettext                                         # msgfmt for the translation catalogues
  espeak-ng                                       # voice guidance: Mandarin and English prompts (kiosk/voice.py)
  pulseaudio pulseaudio-utils                     # a private sound server with a null sink: voice played in tests
  ca-certificates
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing Debian packages: ${missing[*]}" >&2
  echo "system-deps: run 'make' as root once, or install them with apt-get." >&2
  exit 1
fi

echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
