"""The server starts without the heavy libraries: they load with the feature that needs them.

pandas (via statsmodels), WeasyPrint, openpyxl and SciPy cost seconds of imports; a worker
that paid them at start answered its first request 15 to 28 seconds late. Each check runs in
a fresh interpreter, since this test process has imported everything already.
"""

import json
import os
import subprocess
import sys

HEAVY = ("pandas", "statsmodels", "weasyprint", "openpyxl", "scipy", "simpy")

LOADED = """
import json, sys
import django
django.setup()
import tierdesk.urls
import tierdesk.asgi
from django.urls import resolve
resolve("/api/v1/me")
print(json.dumps(sorted(name for name in {heavy!r} if name in sys.modules)))
"""


def heavy_modules_after(script):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tierdesk.settings", "DATABASE_URL": ""}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_url_conf_and_the_asgi_app_import_no_heavy_library():
    assert heavy_modules_after(LOADED.format(heavy=HEAVY)) == []


def test_the_first_use_loads_the_library_and_answers():
    script = """
import sys
from tierdesk.domain.workforce import erlang_c
print(round(erlang_c(10.0, 12), 6), "scipy" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["0.449388", "True"]
