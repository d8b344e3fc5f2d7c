"""Counting the calls of a function a page makes, to tell a page made again from one kept."""


def recorded(monkeypatch, owner, name: str) -> list[tuple]:
    """Wrap `owner.<name>` (a module's function) so that each call's arguments are recorded,
    then passed on; the list of calls, which grows as the function is called."""
    original = getattr(owner, name)
    calls: list[tuple] = []

    def wrapper(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls
