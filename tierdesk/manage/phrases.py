"""How the managers' pages say a count."""


def open_tickets(count: int) -> str:
    return f"{count} open ticket{'' if count == 1 else 's'}"
