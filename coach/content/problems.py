"""Problems found in content files, reported as `path:line: message`."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One error or warning about a content file."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        prefix = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


@dataclass
class Problems:
    """Collects errors and warnings while content is read and checked."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int, message: str) -> None:
        """Record an error: the sync will not apply anything."""
        self.items.append(Problem(path, line, message))

    def warn(self, path: str, line: int, message: str) -> None:
        """Record a warning: reported, but the sync goes ahead."""
        self.items.append(Problem(path, line, message, warning=True))

    @property
    def errors(self) -> list[Problem]:
        """The errors, in file order."""
        return sorted(p for p in self.items if not p.warning)

    @property
    def warnings(self) -> list[Problem]:
        """The warnings, in file order."""
        return sorted(p for p in self.items if p.warning)
