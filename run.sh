#!/usr/bin/env bash
# Quick start: set up, migrate the embedded SQLite database, load demo data once, serve.
source "$(dirname "$0")/scripts/env.sh"
prepare_venv run
.venv/bin/tierdesk migrate
if [ ! -f var/demo-logins.txt ]; then
  echo "Loading demo data (first run only, a few minutes)…"
  .venv/bin/tierdesk demo
else
  echo "Demo logins:"; sed 's/^/  /' var/demo-logins.txt
fi
exec .venv/bin/tierdesk serve "$@"
