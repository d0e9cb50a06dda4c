#!/usr/bin/env bash
# Installs the Debian packages pantau needs to build and test, only those that are missing.
# Needs root (or sudo) when something is missing; does nothing otherwise.
set -euo pipefail

packages=(
  gcc make cmake pkg-config            # toolchain (gcc brings libasan/libubsan)
  libsqlite3-dev libxml2-dev liblua5.4-dev libsodium-dev libjansson-dev
  libxlsxwriter-dev libcairo2-dev libpango1.0-dev fonts-dejavu-core   # export plugins
  libcurl4-openssl-dev                 # notification plugins (SMTP, webhook)
  libcmocka-dev                        # unit tests
  python3 poppler-utils                # command tests (pdftotext reads the PDFs we write)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "pantau: installing missing Debian packages: ${missing[*]}" >&2
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "pantau: run as root to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
