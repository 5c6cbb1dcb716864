"""The indicator catalogue: which quantities state which comparable indicator.

``resources/indicator_catalogue.tsv`` lists the indicators researchers compare (行政处罚案件,
罚没款, 行政复议申请, 负责人出庭应诉率…), each with its unit, what counts and the phrasings
that state it. :func:`assign_indicators` gives every row of the ``indicators`` table the
``indicator`` id it supports, or NA: a category says what a quantity is about, an indicator
id says it is that figure. 行政处罚权48项 (powers), 公开行政处罚信息104件 (published
decisions) and 游商散贩不规范经营34306起 (street vending) are about enforcement; none is a
count of penalty cases.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from analysis import paths
from analysis.schema import check_columns

__all__ = ["CATALOGUE_COLUMNS", "CATALOGUE_FILE", "assign_indicators", "read_catalogue"]

CATALOGUE_FILE = paths.RESOURCES / "indicator_catalogue.tsv"
CATALOGUE_COLUMNS = ["id", "name_zh", "units", "measure", "context", "excludes", "part_of",
                     "definition", "counts"]

# A clause ends at these: the measure of a number is in its own clause.
_CLAUSE_STOP = re.compile(r"[,。;:!?\n]")
# A breakdown belongs to the total stated at most this many characters before it.
_TOTAL_WINDOW = 160


@cache
def _catalogue() -> pd.DataFrame:
    lines = [line for line in CATALOGUE_FILE.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    header = lines[0].split("\t")
    if header != CATALOGUE_COLUMNS:
        raise ValueError(f"{CATALOGUE_FILE}: header must be {CATALOGUE_COLUMNS}, got {header}")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != len(CATALOGUE_COLUMNS):
            raise ValueError(f"{CATALOGUE_FILE}: row {number} has {len(fields)} fields, "
                             f"expected {len(CATALOGUE_COLUMNS)}: {line!r}")
        row = dict(zip(CATALOGUE_COLUMNS, fields, strict=True))
        for column in ("measure", "context", "excludes"):
            try:
                re.compile(row[column])
            except re.error as err:
                raise ValueError(f"{CATALOGUE_FILE}: row {number} ({row['id']}), {column}: "
                                 f"{err}") from None
        rows.append(row)
    table = pd.DataFrame(rows, columns=CATALOGUE_COLUMNS)
    if table["id"].duplicated().any():
        raise ValueError(f"{CATALOGUE_FILE}: repeated id {table['id'][table['id'].duplicated()].tolist()}")
    return table


def read_catalogue() -> pd.DataFrame:
    """Read the indicator catalogue.

    Returns
    -------
    pandas.DataFrame
        The ``catalogue`` table, one row per indicator in file order: ``id``, ``name_zh``,
        ``units`` (``|``-separated standard units), ``measure``, ``context`` and ``excludes``
        (regular expressions), ``part_of`` (``|``-separated ids of the indicators this one is
        a part of, e.g. 败诉 of 行政诉讼案件), ``definition`` and ``counts``.
    """
    return _catalogue().copy()


@cache
def _rules() -> tuple[tuple[str, frozenset[str], re.Pattern | None, re.Pattern | None,
                            re.Pattern | None], ...]:
    return tuple((row.id, frozenset(row.units.split("|")),
                  re.compile(row.measure) if row.measure else None,
                  re.compile(row.context) if row.context else None,
                  re.compile(row.excludes) if row.excludes else None)
                 for row in _catalogue().itertuples(index=False))


# A measure that lists several kinds of work (信访接待、矛盾调处…等工作) counts a mix.
_MIXED = re.compile(r"等工作$|等事项$|、.*、")


def indicator_of(measure: str, clause: str, unit_std: str) -> str | None:
    """The catalogue id a quantity supports, from its measure, clause and unit, or None.

    A row's ``measure`` pattern must match the measure and its ``context`` pattern the
    clause (each when given); ``excludes`` must not match the measure."""
    if _MIXED.search(measure):
        return None
    for ident, units, measure_re, context_re, excludes_re in _rules():
        if unit_std not in units:
            continue
        if measure_re is not None and not measure_re.search(measure):
            continue
        if context_re is not None and not context_re.search(clause):
            continue
        if excludes_re is not None and excludes_re.search(measure):
            continue
        return ident
    return None


@cache
def _parts() -> dict[str, frozenset[str]]:
    """The ids each indicator is a part of (litigation_lost: litigation_cases)."""
    return {row.id: frozenset(p for p in row.part_of.split("|") if p)
            for row in _catalogue().itertuples(index=False)}


def clause_before(text: str, start: int) -> str:
    """The text of the clause a number at ``start`` stands in, up to the number."""
    window = text[max(0, start - 60):start]
    stops = list(_CLAUSE_STOP.finditer(window))
    return window[stops[-1].end():] if stops else window


_GENERIC = re.compile(r"活动|队员|人员|干部|职工|学员")


def sentence_before(text: str, start: int) -> str:
    """The text of the sentence a number at ``start`` stands in, up to the number."""
    window = text[max(0, start - 120):start]
    stops = list(re.finditer(r"[。;!?\n]", window))
    return window[stops[-1].end():] if stops else window


def assign_indicators(indicators: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Give each quantity the catalogue indicator it supports, or NA.

    A breakdown (其中…) of a total (the nearest statement before it in the same unit) that
    states an indicator states the same one: 行政诉讼案件共9起。其中,行政处罚案件6起 are 6 litigation
    cases, not 6 penalty cases, and 举报投诉42166件,其中:…平台24883件 are complaints. Its own
    id stands only when it is ``part_of`` the total's (行政诉讼案件9起,其中败诉1起). A
    breakdown of a total that states no indicator keeps its own id.

    Returns
    -------
    pandas.DataFrame
        A copy of the ``indicators`` table with ``indicator`` (str or NA) set.
    """
    check_columns(indicators, "indicators", ["doc_id", "measure", "unit_std", "start",
                                              "breakdown"])
    check_columns(reports, "reports", ["doc_id", "text"])
    texts = dict(zip(reports["doc_id"].astype(str), reports["text"], strict=True))
    ids: list[str | None] = []
    # Plain lists: iterating Arrow-backed columns row by row (itertuples) cost more than
    # the rules below.
    for doc_id, measure, start, unit_std in zip(
            indicators["doc_id"].astype(str).tolist(), indicators["measure"].tolist(),
            indicators["start"].tolist(), indicators["unit_std"].tolist(), strict=True):
        text = texts.get(doc_id, "")
        measure = measure or ""
        # A generic measure (活动, 队员) says nothing of what is counted, and a number that
        # opens its clause has nothing before it; the sentence's topic does (普法进企业…,
        # 活动共开展171次; 参加…培训工作,42名行政执法人员全部…).
        before = clause_before(text, int(start))
        if _GENERIC.fullmatch(measure) or not before.strip():
            before = sentence_before(text, int(start))
        ids.append(indicator_of(measure, before, unit_std or ""))
    ids_array = np.array(ids, dtype=object)
    parts = _parts()
    # 件 and 起 both count cases: 行政诉讼案件共9件,其中…6起 itemises the 9.
    unit_std = indicators["unit_std"].astype(object).replace({"起": "件"}).to_numpy()
    breakdown = indicators["breakdown"].to_numpy(dtype=bool)
    docs = indicators["doc_id"].astype(str).to_numpy()
    starts = indicators["start"].to_numpy()
    # The rows of each report, ascending: a breakdown looks back among its own report's rows
    # only (scanning the whole chunk back for every breakdown was quadratic).
    same_doc = pd.Series(np.arange(len(docs))).groupby(docs, sort=False).indices
    for k in np.flatnonzero(breakdown):
        # The total is the nearest statement before it in the same unit: in 办理行政处罚案件
        # 814起、罚款150余万元,其中普通程序案件49起、罚款143余万元 the 49起 itemise the 814起.
        rows = same_doc[docs[k]]
        earlier = rows[: np.searchsorted(rows, k)][::-1]
        total = next((int(j) for j in earlier if not breakdown[j]
                      and starts[k] - starts[j] <= _TOTAL_WINDOW
                      and unit_std[j] == unit_std[k]), None)
        if total is None or ids_array[total] is None:
            continue
        whole, own = ids_array[total], ids_array[k]
        if own is not None and whole in parts.get(own, ()):
            continue
        ids_array[k] = whole
    return indicators.assign(indicator=pd.array(ids_array, dtype="str"))
