"""The indicator resources: measure-to-category rules and named programmes."""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from analysis.indicators.lexicon import CATEGORIES_FILE, PROGRAMMES_FILE

__all__ = ["read_categories", "read_programmes"]

# ---------------------------------------------------------------------------------------------
# Resources
# ---------------------------------------------------------------------------------------------


@cache
def _categories_cached() -> pd.DataFrame:
    table = pd.read_csv(CATEGORIES_FILE, sep="\t", comment="#", dtype=str, keep_default_na=False)
    expected = ["category", "field", "pattern", "note"]
    if list(table.columns) != expected:
        raise ValueError(
            f"{CATEGORIES_FILE.name} must have the columns {expected}, found {list(table.columns)}"
        )
    bad = sorted(set(table["field"]) - {"context", "unit_std"})
    if bad:
        raise ValueError(f"{CATEGORIES_FILE.name}: unknown field value(s) {bad}")
    for pattern in table["pattern"]:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{CATEGORIES_FILE.name}: bad regular expression {pattern!r}") from exc
    return table


def read_categories() -> pd.DataFrame:
    """Read the measure-to-category mapping used by :func:`extract_indicators`.

    Returns
    -------
    pandas.DataFrame
        The ``indicator_categories`` table, one row per rule, in the order the rules are tried
        (the first matching rule wins): ``category`` (str), ``field`` (``context``: the regular
        expression is searched in the measure and the verb phrase before it; ``unit_std``: it must
        match the whole standard unit), ``pattern`` (regular expression), ``note`` (str).
    """
    return _categories_cached().copy()


@cache
def _programmes_cached() -> tuple[str, ...]:
    names = []
    for raw in PROGRAMMES_FILE.read_text(encoding="utf-8").splitlines():
        name = raw.split("#", 1)[0].strip()
        if name:
            names.append(name)
    return tuple(sorted(set(names), key=lambda s: (-len(s), s)))


def read_programmes() -> list[str]:
    """Read the named programmes whose numerals are not quantities (三项制度, 四个意识 ...).

    Returns
    -------
    list of str
        Programme names from ``resources/indicator_programmes.txt``, longest first.
    """
    return list(_programmes_cached())


