#!/usr/bin/env bash
# The whole test suite: once on SQLite, then the database tests again on PostgreSQL.
source "$(dirname "$0")/scripts/env.sh"
prepare_venv test

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need Chromium at /usr/bin/chromium: sudo apt-get install chromium" >&2
    exit 1
  fi
fi

# WeasyPrint (tier review PDFs) needs Pango, HarfBuzz's subsetter and a font.
if ! ldconfig -p | grep -q libpangoft2 || [ ! -d /usr/share/fonts/truetype/dejavu ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Pango and the DejaVu fonts for the PDF tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null
  else
    echo "The PDF tests need Pango and a font: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core" >&2
    exit 1
  fi
fi

export TIERDESK_VAR_DIR="${TIERDESK_VAR_DIR:-$ROOT/var/test}"
PG_URL="${TIERDESK_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}"
status=0

echo "== checks: lint, types of the pure domain, migrations"
.venv/bin/ruff check tierdesk tests bench || status=1
.venv/bin/ruff format --check --quiet tierdesk tests bench || status=1
.venv/bin/mypy --strict tierdesk/domain tierdesk/errors.py || status=1
.venv/bin/lint-imports --no-cache | sed -n '/^Contracts/,$p' || status=1  # pyproject.toml
DATABASE_URL="" .venv/bin/python manage.py makemigrations --check --dry-run || status=1

echo "== tests on SQLite"
DATABASE_URL="" .venv/bin/python -m pytest "$@" || status=$?

if .venv/bin/python - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgresql://", "postgresql://", 1), connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable at {sys.argv[1]}: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then
  echo "== database tests on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" .venv/bin/python -m pytest --ignore=tests/domain "$@" || status=$?
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is required in CI" >&2; status=1
else
  echo "Skipped the PostgreSQL run: set TIERDESK_TEST_POSTGRES_URL to a server you can reach." >&2
fi
exit $status
