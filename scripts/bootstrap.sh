#!/usr/bin/env bash
# Installs what is missing on a Debian 12 machine: system packages, the virtualenv
# and the project itself. Safe to re-run: every step checks before it acts.
# Usage: scripts/bootstrap.sh [--with-browser] [--with-bench]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(postgresql-15-postgis-3 redis-server python3-venv ca-certificates curl)
for option in "$@"; do
  case "$option" in
    --with-browser) packages+=(chromium) ;;  # page tests
    --with-bench) packages+=(wrk linux-perf) ;;  # the HTTP load of bench/search; instructions counted
    *) echo "unknown option: $option" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "==> installing system packages: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating .venv"
  "$python" -m venv .venv
fi

stamp=.venv/.boussole-installed
want=$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)
if [[ ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  echo "==> installing Python dependencies (log: .venv/install.log)"
  {
    .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip &&
    .venv/bin/python -m pip install --disable-pip-version-check -r requirements.lock &&
    .venv/bin/python -m pip install --disable-pip-version-check --no-deps -e .
  } > .venv/install.log 2>&1 || { tail -20 .venv/install.log; echo "pip install failed" >&2; exit 1; }
  echo "$want" > "$stamp"
fi

# Compiled translations are build output, not sources.
if compgen -G "portal/translations/*/LC_MESSAGES/messages.po" >/dev/null; then
  .venv/bin/pybabel compile -d portal/translations >/dev/null
fi
