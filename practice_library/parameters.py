"""Rules for query parameters that pages and the API share."""


def more_than_one(values: list[str]) -> str | None:
    """The problem with a single-valued parameter given several values."""
    given = len(set(values))
    if given > 1:
        return f"Give one value only: the address gives {given}."
    return None
