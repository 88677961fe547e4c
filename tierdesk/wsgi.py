"""WSGI entry point: plain HTTP through Django, for a WSGI server such as granian's.

WebSockets (live chat) need the ASGI application (``tierdesk.asgi``).
"""

import os

from django.core.wsgi import get_wsgi_application

from tierdesk import server_process

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tierdesk.settings")

application = get_wsgi_application()
server_process.tune()
