"""How far a background import or export is: rows run, told every so many rows."""

from collections.abc import Callable

Progress = Callable[[int, int], None]  # (rows run, rows in all)


class RowCounter:
    """Counts the rows run and tells `progress` every `every` rows and at the end."""

    def __init__(self, total: int, progress: Progress | None, every: int = 200):
        self.total = total
        self.progress = progress
        self.every = every
        self.done = 0

    def step(self) -> None:
        self.done += 1
        if self.progress is not None and self.done % self.every == 0:
            self.progress(self.done, self.total)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)
