"""Tables for reading in JupyterLab: text left-aligned and wrapped, headers that fit."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence

import pandas as pd

__all__ = ["ReadableTable", "show_table"]


def _is_text(series: pd.Series) -> bool:
    return (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)
            or isinstance(series.dtype, pd.CategoricalDtype))


def _cell(value: object, precision: int) -> str:
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value)
                         and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return f"{int(value):,}"
        if value != 0 and abs(value) < 10 ** -precision:
            return f"{value:.1e}"  # 3.2e-05, not 0.000
        return f"{value:,.{precision}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


class ReadableTable:
    """A table shown with inline styles, which JupyterLab keeps in untrusted notebooks too.

    Use :func:`show_table` to make one; ``frame`` is the table shown.
    """

    def __init__(self, frame: pd.DataFrame, *, styles: Mapping[str, str],
                 headers: Mapping[str, str], precision: int, show_index: bool, note: str,
                 html_columns: frozenset[str] = frozenset()) -> None:
        self.frame = frame
        self._styles = dict(styles)
        self._headers = dict(headers)
        self._html = html_columns
        self._precision = precision
        self._show_index = show_index
        self._note = note

    def __repr__(self) -> str:
        return self.frame.to_string(index=self._show_index) + (f"\n{self._note}" if self._note
                                                                else "")

    def _repr_html_(self) -> str:
        frame = self.frame.reset_index() if self._show_index else self.frame
        # A snake_case header has no place to wrap and ran into the next column
        # (n_shortcomingsn_leadership); <wbr> lets it break after each underscore.
        head = "".join(f'<th style="{self._headers[str(c)]}">'
                       f'{html.escape(str(c)).replace("_", "_<wbr>")}</th>'
                       for c in frame.columns)
        rows = []
        for values in frame.itertuples(index=False, name=None):
            cells = "".join(
                f'<td style="{self._styles[str(c)]}">'
                + (_cell(v, self._precision) if str(c) in self._html
                   else html.escape(_cell(v, self._precision))) + "</td>"
                for c, v in zip(frame.columns, values, strict=True))
            rows.append(f"<tr>{cells}</tr>")
        note = f"<p>{html.escape(self._note)}</p>" if self._note else ""
        return (f'<table class="dataframe"><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table>{note}")


def show_table(
    frame: pd.DataFrame,
    *,
    text_width: str = "24em",
    header_width: str = "8em",
    precision: int = 3,
    max_rows: int | None = 50,
    align: Mapping[str, str] | None = None,
    html_columns: Sequence[str] = (),
) -> ReadableTable:
    """A table that reads at notebook width: text wraps left-aligned, numbers stay right.

    pandas right-aligns every cell and never wraps, so a sentence column pushes a table far
    off-screen and a right-aligned context reads raggedly. This shows a copy with text
    columns left-aligned and wrapped at ``text_width``, headers wrapped at ``header_width``,
    whole floats as integers with thousands separators (1,500,000), other floats with
    ``precision`` decimals (tiny ones as 3.2e-05, not 0.000), and missing values blank. The
    styles are written on each cell, because JupyterLab drops ``<style>`` blocks from the
    output of a notebook it does not trust, which is every notebook a user did not execute.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table; not modified. A named index is shown as the first column.
    text_width : str, default "24em"
        Widest a text column grows before it wraps (a CSS length); text columns are at
        least 5em wide, so that a name does not wrap two characters a line.
    header_width : str, default "8em"
        Widest a column header grows before it wraps.
    precision : int, default 3
        Decimals shown for floats that are not whole.
    max_rows : int or None, default 50
        Show at most this many rows (the first ones) and say how many were left out; None
        shows all.
    align : mapping, optional
        Alignment by column, overriding the default, e.g. ``{"left": "right"}`` for the left
        context of a concordance, so that it reads up to the keyword.
    html_columns : sequence of str
        Columns whose text is HTML the caller built and escaped (a ``<details>`` that opens
        the evidence sentence), written as it is; every other cell is escaped.

    Returns
    -------
    ReadableTable
        Displays as the styled table in a notebook (``_repr_html_``) and as the plain table
        in text; its ``frame`` is the table shown.
    """
    shown = frame if max_rows is None else frame.head(max_rows)
    show_index = any(name is not None for name in shown.index.names)
    full = shown.reset_index() if show_index else shown
    align = dict(align or {})
    styles, headers = {}, {}
    for column in full.columns:
        text = _is_text(full[column])
        side = align.get(str(column), "left" if text else "right")
        styles[str(column)] = (f"text-align: {side}; white-space: normal; min-width: 5em; "
                               f"max-width: {text_width}" if text else
                               f"text-align: {side}; white-space: nowrap")
        # A header sits on the same side as its column's values.
        headers[str(column)] = (f"text-align: {side}; white-space: normal; "
                                f"max-width: {header_width}")
    left_out = len(frame) - len(shown)
    note = f"({left_out} more rows not shown)" if left_out > 0 else ""
    return ReadableTable(shown, styles=styles, headers=headers, precision=precision,
                         show_index=show_index, note=note,
                         html_columns=frozenset(map(str, html_columns)))
