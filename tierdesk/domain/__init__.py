"""Pure domain core of tierdesk: business rules as plain functions and dataclasses, no Django."""
