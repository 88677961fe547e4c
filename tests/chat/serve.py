"""Run the ASGI app under uvicorn for the chat tests, optionally at a given instant.

``TIERDESK_TEST_NOW`` (ISO time) starts the process's wall clock there and lets it tick,
so chat hours are decided the same way whenever the suite runs.
"""

import os
import sys
from datetime import datetime

import time_machine
import uvicorn

if os.environ.get("TIERDESK_TEST_NOW"):
    time_machine.travel(datetime.fromisoformat(os.environ["TIERDESK_TEST_NOW"]), tick=True).start()

uvicorn.run(
    "tierdesk.asgi:application",
    host="127.0.0.1",
    port=int(sys.argv[1]),
    lifespan="off",
    log_level="warning",
)
