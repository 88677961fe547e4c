"""Who writes a message: an agent, a contact (with or without a login), the bot, or tierdesk."""

from __future__ import annotations

from dataclasses import dataclass

from tierdesk.accounts.models import User
from tierdesk.customers.models import Contact
from tierdesk.errors import NotAllowed
from tierdesk.tickets.models import AuthorKind


@dataclass(frozen=True, slots=True)
class Author:
    """A message's author. Most email senders never sign in: a contact needs no ``user``."""

    kind: AuthorKind
    user: User | None = None
    contact: Contact | None = None

    @classmethod
    def agent(cls, user: User) -> Author:
        if not user.is_agent:
            raise NotAllowed(f"{user.username} is not an agent.")
        return cls(AuthorKind.AGENT, user=user)

    @classmethod
    def customer(cls, contact: Contact, user: User | None = None) -> Author:
        return cls(AuthorKind.CUSTOMER, user=user or contact.user, contact=contact)

    @classmethod
    def bot(cls) -> Author:
        return cls(AuthorKind.BOT)

    @classmethod
    def system(cls) -> Author:
        return cls(AuthorKind.SYSTEM)

    @classmethod
    def of(cls, user: User) -> Author:
        """The author a signed-in person writes as: an agent, or their customer contact."""
        if user.is_agent:
            return cls.agent(user)
        contact = getattr(user, "contact", None)
        if contact is None:
            raise NotAllowed("This login is not linked to a customer contact.")
        return cls.customer(contact, user)

    @property
    def is_agent(self) -> bool:
        return self.kind == AuthorKind.AGENT

    @property
    def is_customer(self) -> bool:
        return self.kind == AuthorKind.CUSTOMER
