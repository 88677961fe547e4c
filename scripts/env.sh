# Sourced by run.sh and test.sh: finds Python 3.12+ and prepares .venv with the given extras.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }

find_python() {
  local candidate
  for candidate in "${TIERDESK_PYTHON:-}" python3.14 python3.13 python3.12 python3 python; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
      command -v "$candidate"; return 0
    fi
  done
  # pyenv keeps interpreters that its shims only expose when selected: look at them directly.
  local root
  root="$( (command -v pyenv >/dev/null 2>&1 && pyenv root) || echo "$HOME/.pyenv")"
  for candidate in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do
    if python_ok "$candidate"; then echo "$candidate"; return 0; fi
  done
  return 1
}

prepare_venv() {
  local extras="$1"
  if [ ! -x .venv/bin/python ] || ! python_ok .venv/bin/python; then
    local py
    py="$(find_python)" || { echo "tierdesk needs Python 3.12 or newer; install one (or set TIERDESK_PYTHON)." >&2; exit 1; }
    echo "Creating .venv with $py"
    rm -rf .venv
    "$py" -m venv .venv
  fi
  local stamp=".venv/.installed-$extras"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
    echo "Installing tierdesk[$extras] into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    # constraints.txt holds the versions of what tierdesk's own pins pull in (scripts/lock.sh).
    .venv/bin/python -m pip install --quiet --disable-pip-version-check \
      -c constraints.txt -e ".[$extras]"
    touch "$stamp"
  fi
}
