"""A minimal Django project serving django-helpdesk's REST API, for bench/api_tickets.py."""
