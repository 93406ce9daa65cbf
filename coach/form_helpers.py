"""Helpers shared by the forms of every area."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def unless_longer_than(limit: int) -> Callable[[str | None], str | None]:
    """A filter that empties a value over `limit`: for hidden fields, which a person cannot correct."""
    return lambda value: "" if value and len(value) > limit else value
