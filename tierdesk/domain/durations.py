"""How a configured duration reads to a person: hours and minutes, never raw seconds."""


def hours_minutes(seconds: int) -> str:
    """'48h 00m', '1h 05m', '15m'; a target is whole minutes, so seconds are dropped."""
    hours, rest = divmod(abs(int(seconds)), 3_600)
    minutes = rest // 60
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"
