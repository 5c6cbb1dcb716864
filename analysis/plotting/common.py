"""Labels and small helpers shared by the plot functions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from analysis.labels import display

__all__ = ["wrap_label"]

# ----------------------------------------------------------------------------------------------
# Labels and small helpers
# ----------------------------------------------------------------------------------------------

# Latin words and numbers are kept whole when wrapping ("2023", "12345").
_LABEL_UNIT = re.compile(r"[A-Za-z0-9.,%+\-]+|.", re.DOTALL)


def _columns(text: str) -> int:
    """Display width in half-width columns: a wide (CJK) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def wrap_label(label: object, *, width: int = 12, max_lines: int = 2) -> str:
    """Wrap a (Chinese) label into lines of at most ``width`` Chinese characters.

    Chinese has no spaces to break at, so the label is cut by display width: a Chinese
    character counts as 1 and a Latin letter or digit as 1/2; a Latin word or number is not
    split unless it is wider than a line. A label needing more than ``max_lines`` lines is
    truncated with "…".

    Parameters
    ----------
    label : object
        The label: an id with a display name (a part, theme, level or indicator category)
        shows that name, a missing value :data:`analysis.labels.MISSING_LABEL`; see
        :func:`analysis.labels.display`.
    width : int, default 12
        Line width in Chinese characters.
    max_lines : int, default 2
        Maximum number of lines.

    Returns
    -------
    str
        The label with ``"\\n"`` between lines.
    """
    if width < 1 or max_lines < 1:
        raise ValueError(f"width and max_lines must be at least 1, got {width} and {max_lines}")
    text = " ".join(display(label).split())
    limit = 2 * width
    if _columns(text) <= limit:
        return text
    units: list[str] = []
    for unit in _LABEL_UNIT.findall(text):
        if _columns(unit) > limit:
            units.extend(unit)  # a Latin run longer than a line is split by character
        else:
            units.append(unit)
    lines: list[str] = []
    current = ""
    for unit in units:
        if current and _columns(current + unit) > limit:
            lines.append(current.rstrip())
            current = unit.lstrip()
        else:
            current += unit
    if current:
        lines.append(current)
    if len(lines) <= max_lines:
        return "\n".join(lines)
    kept = lines[:max_lines]
    last = kept[-1]
    while last and _columns(last + "…") > limit:
        last = last[:-1]
    kept[-1] = last + "…"
    return "\n".join(kept)


def _require_unique(df: pd.DataFrame, keys: list[str], what: str, hint: str) -> None:
    duplicated = df.duplicated(subset=keys, keep=False)
    if duplicated.any():
        example = df.loc[duplicated, keys].iloc[0].tolist()
        raise ValueError(f"{what}: several rows share {keys} = {example}; {hint}")


def _require_numeric(df: pd.DataFrame, column: str, what: str) -> None:
    if not pd.api.types.is_numeric_dtype(df[column]):
        raise ValueError(f"{what}: column {column!r} must be numeric, got {df[column].dtype}")


def _ordered(values: Iterable[Any], order: Sequence[Any] | None, what: str) -> list[Any]:
    """Return the distinct values in ``order`` if given, else sorted (deterministic)."""
    distinct = list(dict.fromkeys(values))
    if order is None:
        try:
            return sorted(distinct)
        except TypeError:  # mixed types: fall back to their text
            return sorted(distinct, key=str)
    allowed, present = set(order), set(distinct)
    missing = [v for v in distinct if v not in allowed]
    if missing:
        raise ValueError(f"{what}: values {missing} are not in the given order {list(order)}")
    return [v for v in order if v in present]


def _rank(df: pd.DataFrame, *, value: str, term: str, ascending: bool = False) -> pd.DataFrame:
    """Sort by value, ties broken by term code points, so the order never depends on input."""
    return df.sort_values(
        [value, term], ascending=[ascending, True], kind="mergesort", key=_sort_key
    )


def _sort_key(column: pd.Series) -> pd.Series:
    return column.astype(str) if not pd.api.types.is_numeric_dtype(column) else column


def _new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def _bar_height(n_bars: int, *, per_bar: float = 0.32, extra: float = 1.2) -> float:
    return float(min(max(extra + per_bar * n_bars, 3.0), 14.0))


def _number(value: Any) -> str:
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.3g}" if abs(value) < 1000 else f"{float(value):.0f}"
    return str(value)


