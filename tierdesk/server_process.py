"""Settings of the interpreter for a long-running server process, applied once it has loaded.

- **The start-up heap is frozen.** A process loads Django, the apps and their modules once:
  several hundred thousand objects that live as long as it does. CPython's full collection
  walks every tracked object, so with them in view each full collection stopped every
  socket and request of the process for tens of milliseconds. Frozen, they are never
  walked; only what requests and sockets make is.
- **Threads hand the interpreter over every millisecond, not every five.** Under ASGI the
  event loop serves every socket while the database work of chats and requests runs in
  worker threads; a busy worker holds the interpreter until the switch interval ends, and
  a chat message's round trip waits on the loop several times (its frame in, its answer
  out, the other side's copy).
"""

import gc
import sys

SWITCH_INTERVAL_S = 0.001


def tune() -> None:
    """Call at the end of the server's entry module, in each server process."""
    gc.collect()  # start-up's garbage goes now rather than being frozen forever
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
