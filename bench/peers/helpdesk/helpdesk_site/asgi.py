"""The ASGI entry point uvicorn serves, as it serves tierdesk by default."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
application = get_asgi_application()
