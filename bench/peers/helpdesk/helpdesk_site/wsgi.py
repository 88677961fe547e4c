"""The WSGI entry point granian serves, as the bench serves tierdesk's WSGI path."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
application = get_wsgi_application()
