"""Run the ASGI app under uvicorn for the chat tests, optionally at a given instant.

``TIERDESK_TEST_NOW`` (ISO time) is the process's wall clock at the real instant
``TIERDESK_TEST_ANCHOR`` (unix seconds), and it ticks on from there: chat hours are decided
the same way whenever the suite runs, and two servers of one test share one clock.
"""

import os
import sys
import time
from datetime import datetime, timedelta

import time_machine
import uvicorn

if os.environ.get("TIERDESK_TEST_NOW"):
    now = datetime.fromisoformat(os.environ["TIERDESK_TEST_NOW"])
    anchor = float(os.environ["TIERDESK_TEST_ANCHOR"])
    time_machine.travel(now + timedelta(seconds=time.time() - anchor), tick=True).start()

uvicorn.run(
    "tierdesk.asgi:application",
    host="127.0.0.1",
    port=int(sys.argv[1]),
    lifespan="off",
    log_level="warning",
)
