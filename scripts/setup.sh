#!/usr/bin/env bash
# Create .venv and install the pinned packages; with --test also the test packages, Debian's Chromium + CJK fonts,
# LibreOffice Impress + Writer + poppler for the PPTX and DOCX render tests, and PostgreSQL for the catalog tests.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-test.txt
  if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  fi
  # The render tests open the deck (Impress) and the bulletin (Writer) in LibreOffice and turn the PDFs into images
  # and text with poppler. soffice alone is not enough: without Writer it cannot open a .docx.
  if ! command -v soffice >/dev/null || ! command -v pdftoppm >/dev/null || ! command -v pdftotext >/dev/null \
     || ! dpkg -s libreoffice-impress libreoffice-writer >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libreoffice-impress libreoffice-writer poppler-utils >/dev/null
  fi
  # The PostgreSQL catalog tests start a temporary server of their own (initdb/pg_ctl as the postgres user, a private
  # port and socket) and stop it; Debian's package puts the binaries under /usr/lib/postgresql/<version>/bin.
  if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  fi
fi
