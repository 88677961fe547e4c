#!/usr/bin/env bash
# Writes constraints.txt: every package the run, test and bench extras pull in, at the
# version now installed. pyproject.toml pins what tierdesk asks for; this file pins what
# those ask for in turn, so that a fresh machine installs the same set. Run it after
# changing a pin in pyproject.toml, from a .venv that has all extras installed.
source "$(dirname "$0")/env.sh"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test,bench]"
{
  echo "# Every package tierdesk's extras pull in, at one version; scripts/lock.sh writes it."
  .venv/bin/python -m pip freeze --exclude-editable --disable-pip-version-check | grep -v '^tierdesk'
} > constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) packages"
