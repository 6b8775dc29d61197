#!/usr/bin/env bash
# Installs everything the portal needs on a fresh Debian machine; safe to re-run.
#   scripts/setup.sh          runtime (WeasyPrint libraries, fonts, Python packages)
#   scripts/setup.sh --test   plus what the tests need (Debian chromium, poppler-utils)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNTIME_APT=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 fonts-croscore fonts-dejavu-core)
TEST_APT=(chromium poppler-utils)
want=("${RUNTIME_APT[@]}")
[[ "${1:-}" == "--test" ]] && want+=("${TEST_APT[@]}")

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "==> Cài gói hệ thống: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  echo "==> Tạo môi trường Python (.venv)"
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [[ ! -f "$stamp" ]]; then
  echo "==> Cài thư viện Python"
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -e ".[test]"
  rm -f .venv/.installed-*; touch "$stamp"
fi
