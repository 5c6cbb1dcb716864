"""Every table's columns and dtypes, declared once.

The loaders, the build, the tokenizer and the indicator extractor build their frames
through :func:`frame` or bring them into shape with :func:`conform`, so a table has the
same columns in the same order with the same dtypes whether it comes from
``load_corpus``, from a build on disk or from an empty folder. A new column is one line
here (and one in the README's table of columns, which a test compares with this module).

Dtypes: ``str`` for text (missing is NaN, pandas' default string dtype), ``Int64`` for a
whole number that may be missing, ``int64``, ``float64`` and ``bool`` otherwise. The
``counts`` table's text columns are ``category`` (categories sorted): it has one row per
report and token, tens of millions at national scale, and integer codes keep it in memory
at a tenth of the size of one string per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

__all__ = ["TABLES", "check_columns", "columns", "conform", "empty", "frame", "sort_categories"]

_TEXT = "str"
_CODED = "category"

TABLES: dict[str, dict[str, str]] = {
    "reports": {
        "doc_id": _TEXT, "file": _TEXT, "sha256": _TEXT, "format": _TEXT, "encoding": _TEXT,
        "script": _TEXT, "title": _TEXT, "agency": _TEXT, "agency_short": _TEXT, "label": _TEXT,
        "agency_stated": _TEXT, "agency_source": _TEXT, "unit_kind": _TEXT,
        "party_committee": _TEXT, "admin_level": _TEXT,
        "admin_level_source": _TEXT, "province": _TEXT, "city": _TEXT, "district": _TEXT,
        "adcode": _TEXT, "place_source": _TEXT, "year": "Int64", "year_source": _TEXT,
        "published": _TEXT, "published_source": _TEXT, "signed": _TEXT, "doc_number": _TEXT,
        "page_source": _TEXT, "source_url": _TEXT, "page_title": _TEXT, "n_chars": "int64",
        "n_paragraphs": "int64", "n_sections": "int64", "truncated": "bool", "complete": "bool",
        "parts": _TEXT, "text": _TEXT,
    },
    "sections": {
        "doc_id": _TEXT, "section_id": _TEXT, "parent_id": _TEXT, "level": "int64",
        "heading": _TEXT, "part": _TEXT, "start": "int64", "end": "int64", "n_chars": "int64",
        "text": _TEXT,
    },
    "paragraphs": {
        "doc_id": _TEXT, "section_id": _TEXT, "para_id": "int64", "start": "int64",
        "end": "int64", "text": _TEXT,
    },
    "sentences": {
        "doc_id": _TEXT, "section_id": _TEXT, "para_id": "int64", "sent_id": "int64",
        "start": "int64", "end": "int64", "text": _TEXT,
    },
    "files": {
        "file": _TEXT, "status": _TEXT, "reason": _TEXT, "doc_id": _TEXT, "format": _TEXT,
        "encoding": _TEXT,
    },
    "tokens": {
        "doc_id": _TEXT, "section_id": _TEXT, "para_id": "int64", "sent_id": "int64",
        "position": "int64", "token": _TEXT, "kind": _TEXT, "is_stop": "bool",
        "is_filler": "bool", "in_lexicon": "bool", "start": "int64", "end": "int64",
    },
    "counts": {
        "doc_id": _CODED, "token": _CODED, "kind": _CODED, "is_stop": "bool", "is_filler": "bool",
        "in_lexicon": "bool", "n": "int64",
    },
    "indicators": {
        "doc_id": _TEXT, "section_id": _TEXT, "part": _TEXT, "sent_id": "Int64",
        "measure": _TEXT, "category": _TEXT, "indicator": _TEXT, "value": "float64", "unit": _TEXT,
        "value_std": "float64", "unit_std": _TEXT, "approx": "bool", "low": "float64",
        "high": "float64", "span": _TEXT, "start": "int64", "end": "int64", "breakdown": "bool",
    },
    "headlines": {
        "doc_id": _TEXT, "indicator": _TEXT, "value": "float64", "unit": _TEXT,
        "value_std": "float64", "unit_std": _TEXT, "approx": "bool", "low": "float64",
        "high": "float64", "period": _TEXT, "scope": _TEXT, "span": _TEXT, "start": "int64",
        "end": "int64", "sent_id": "Int64", "n_statements": "int64", "alternatives": _TEXT,
        "conflict": "bool",
    },
    "mentions": {
        "doc_id": _TEXT, "label": _TEXT, "section_id": _TEXT, "part": _TEXT,
        "heading_path": _TEXT, "sent_id": "int64", "match": _TEXT, "start": "int64",
        "end": "int64", "sentence": _TEXT,
    },
}


def columns(table: str) -> list[str]:
    """The columns of ``table``, in order."""
    return list(TABLES[table])


def empty(table: str) -> pd.DataFrame:
    """An empty ``table`` with its columns and dtypes.

    Returns
    -------
    DataFrame
        The named table with no rows.
    """
    return pd.DataFrame({name: pd.Series([], dtype=dtype)
                         for name, dtype in TABLES[table].items()})


def frame(rows: Iterable[Mapping], table: str) -> pd.DataFrame:
    """Build ``table`` from row dicts (missing keys are missing values).

    Returns
    -------
    DataFrame
        The named table, its columns in order and of their declared dtypes.
    """
    rows = list(rows)
    if not rows:
        return empty(table)
    return conform(pd.DataFrame(rows, columns=columns(table)), table)


def conform(data: pd.DataFrame, table: str) -> pd.DataFrame:
    """A copy of ``data`` with exactly the columns of ``table``, in order, of their dtypes.

    Only columns whose dtype differs are cast, so a frame already in shape costs a copy of
    the column index, not of the data.

    Returns
    -------
    DataFrame
        The named table.

    Raises
    ------
    ValueError
        Naming the table and the columns ``data`` lacks.
    """
    check_columns(data, table, columns(table))
    out = data[columns(table)].reset_index(drop=True)
    for name, dtype in TABLES[table].items():
        if str(out[name].dtype) != dtype:
            values = out[name]
            if dtype == _TEXT:
                # None, pd.NA and NaN all become the string dtype's missing value.
                values = values.astype("object").where(values.notna(), None)
            out[name] = values.astype(dtype)
        if dtype == _CODED:
            out[name] = sort_categories(out[name])
    return out


def sort_categories(values: pd.Series) -> pd.Series:
    """``values`` (categorical) with its categories in sorted order.

    Categories read from Parquet come in the order the dictionary met them; sorted, a sort
    or a group-by on the column orders rows as it would on the strings, whichever parts
    were read.
    """
    categories = values.cat.categories
    if categories.is_monotonic_increasing:
        return values
    return values.cat.reorder_categories(categories.sort_values())


def check_columns(data: pd.DataFrame, name: str, required: Iterable[str | None],
                  hint: str = "") -> None:
    """Raise a ValueError naming the table and every required column it lacks.

    This is the one column check of the package: a verb that needs columns asks for them
    here, so every such error reads the same. ``None`` entries (an optional column that was
    not asked for) are skipped; ``hint`` says how to get the missing columns.
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(data).__name__}")
    missing = [c for c in required if c is not None and c not in data.columns]
    if missing:
        message = f"{name} table lacks column(s) {missing}; it has {list(data.columns)}"
        raise ValueError(f"{message}; {hint}" if hint else message)
