#!/usr/bin/env bash
# Installs the Debian packages phonghop needs and a fresh machine lacks. Idempotent: does
# nothing (not even apt-get update) when everything is there.
#   fonts-liberation2  embedded Times-compatible font with every Vietnamese glyph (minutes)
#   poppler-utils      pdfsig / pdffonts / pdftoppm: independent checks of signed PDFs
#   libnss3-tools      certutil: a trust store for pdfsig in the tests
#   chromium           the real browser for the web app tests (never a downloaded one)
#   softhsm2           a real PKCS#11 token for signing tests
#   postgresql-client  pg_isready / psql, to check the PostgreSQL test server
#   libreoffice-*-nogui  headless LibreOffice: office files (DOCX, XLSX, PPTX, ODT...) to PDF
#   fonts-dejavu-core  a second Unicode font for office files that name fonts we lack
#   nginx-light        Debian's nginx, to test the sites in deploy/ for real (nginx -t, TLS proxy)
set -euo pipefail
packages=(fonts-liberation2 poppler-utils libnss3-tools chromium softhsm2 postgresql-client
          libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui fonts-dejavu-core nginx-light)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
