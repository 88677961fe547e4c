"""Settings of the interpreter for a long-running server process, applied once it has loaded.

Measured with ``bench/chat.py`` (1,000 chats on one process, 69 messages/s; collector pauses
timed with ``gc.callbacks``): with CPython's defaults the round trip's p99 was 283 ms, set
by full collections of 110,000 to 255,000 objects taking 111 to 287 ms each, and young
collections of the second generation took 15 to 45 ms every second and a half.

- **The start-up heap is frozen.** A process loads Django, the apps and their modules once:
  objects that live as long as it does. Frozen, no collection walks them again.
- **Full collections are rare.** The oldest generation is collected after 1,000 collections
  of the middle one instead of 10: the sockets, sessions and consumers of a thousand open
  chats sit there, and walking them all stopped every socket of the process for a quarter
  of a second several times a minute. Garbage cycles that reach it wait longer to be freed.
- **Young collections are small.** The youngest generation is collected every 700
  allocations (CPython 3.13's default is 2,000): each young collection then walks fewer
  objects, so each pause is shorter (mostly under 10 ms here, against 15 to 45 ms).
  Together: p99 112–118 ms against 283 (same bench, one run each).
- **Threads hand the interpreter over every millisecond, not every five.** Under ASGI the
  event loop serves every socket while the database work of chats and requests runs in
  worker threads; a busy worker held the interpreter until the switch interval ended, and
  a chat message's round trip waits on the loop several times (its frame in, its answer
  out, the other side's copy).
"""

import gc
import sys

SWITCH_INTERVAL_S = 0.001
GC_THRESHOLDS = (700, 10, 1000)


def tune() -> None:
    """Call at the end of the server's entry module, in each server process."""
    gc.collect()  # start-up's garbage goes now rather than being frozen forever
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    sys.setswitchinterval(SWITCH_INTERVAL_S)
