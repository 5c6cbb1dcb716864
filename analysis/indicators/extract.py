"""Quantitative indicators stated in report prose, as a long table.

Reports state their enforcement statistics in running text: 办理行政处罚案件814起、罚款150余万元;
培训1400余人次; 出庭应诉率达100%. This module finds every such quantity, parses its number and
unit, standardises the unit, names the thing counted (the *measure*) and maps it to a category, so
that the figures researchers used to copy by hand become one row each, traceable to the source by
character offsets.

The rules are deliberately explicit (see ``resources/README_indicators.md``):

* a quantity is a number (Arabic, with or without thousands separators and decimals, or Chinese
  numerals) followed by a unit from a fixed list (起, 件, 人次, 元 ...), optionally with a
  multiplier (万, 千, 亿), an approximation qualifier (余, 多, 近, 约, 以上 ...) or a range;
  percentages (96.2%, 百分之九十) and fractions (十万分之六) are quantities in ``%``;
* years, dates, plan periods, list markers, ordinals (第X), document numbers, numbers inside
  quotation marks or book titles (named programmes such as “721”工作法), and the named programmes
  listed in ``resources/indicator_programmes.txt`` are not quantities;
* the number parsing for Chinese numerals, multipliers and 余/多 intervals is delegated to
  :func:`jionlp.parse_money`, whose interval rule for 余 we adopt for all units;
* the measure is the noun phrase before the number within its clause, stripped of time, scope
  and verb words, or the noun right after the unit (全系统500余名队员), or the measure of the
  quantity just before (186批次390人次);
* ``breakdown`` marks quantities that itemise a total stated just before them (其中, 包括, a colon
  or brackets), so that tables do not add a total and its parts. It is the one column beyond the
  issue's contract.

The rules were written while reading the five seeds, whose hand labels are the acceptance test;
their scores there are in-sample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import schema
from analysis.indicators.catalogue import assign_indicators
from analysis.indicators.lexicon import INDICATOR_COLUMNS
from analysis.indicators.measures import _assign_measures, _categorise, _mark_breakdowns
from analysis.indicators.quantities import _candidates
from analysis.schema import check_columns

__all__ = ["extract_indicators", "extract_quantities", "pivot_indicators"]

# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


_DTYPES = {name: schema.TABLES["indicators"][name] for name in INDICATOR_COLUMNS}


def _empty_indicators() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in _DTYPES.items()})


def extract_quantities(text: str) -> pd.DataFrame:
    """Extract the quantities stated in one normalized report text.

    Parameters
    ----------
    text : str
        Normalized report text (``reports.text``: half-width ASCII, paragraphs joined by "\\n").

    Returns
    -------
    pandas.DataFrame
        The ``indicators`` table of one text, one row per quantity, sorted by ``start``:
        ``measure`` (str, the thing counted as written, "" if none was found), ``category``
        (str, from ``resources/indicator_categories.tsv``), ``value`` (float, the number as
        written), ``unit`` (str, as written with its multiplier: 万元, 人次, %, 十万分之; "" for a
        bare count such as 涉企数0), ``value_std`` (float, in ``unit_std``: 150余万元 ->
        1500000.0), ``unit_std`` (str: 元 for money, the unit without 万/千/亿 otherwise, % for
        percentages and fractions), ``approx`` (bool, a qualifier such as 余 or 近, or a range),
        ``low`` and ``high`` (float, bounds on the true value in ``unit_std``, NaN where
        unbounded; both equal ``value_std`` for an exact figure), ``span`` (str, the source
        text), ``start`` and ``end`` (int, offsets with ``text[start:end] == span``),
        ``breakdown`` (bool, the quantity itemises a total stated just before it).

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"extract_quantities expects one report text (str), got {type(text)!r}")
    rows = _extract_rows(text)
    if not rows:
        return _empty_indicators()
    table = pd.DataFrame(rows, columns=INDICATOR_COLUMNS).astype(_DTYPES)
    one = pd.DataFrame({"doc_id": ["text"], "text": [text]})
    return assign_indicators(table.assign(doc_id="text"), one)[INDICATOR_COLUMNS]


def _extract_rows(text: str) -> list[dict]:
    quantities = _candidates(text)
    if not quantities:
        return []
    _assign_measures(text, quantities)
    _mark_breakdowns(text, quantities)
    return [
        {
            "measure": q.measure,
            "category": _categorise(q.context, q.measure, q.unit_std),
            "value": q.value,
            "unit": q.unit,
            "value_std": q.value_std,
            "unit_std": q.unit_std,
            "approx": q.approx,
            "low": q.low,
            "high": q.high,
            "span": text[q.start : q.end],
            "start": q.start,
            "end": q.end,
            "breakdown": q.breakdown,
        }
        for q in quantities
    ]


def extract_indicators(
    reports: pd.DataFrame,
    *,
    sentences: pd.DataFrame | None = None,
    sections: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Extract the indicators of every report and locate each in its sentence and section.

    Parameters
    ----------
    reports : pandas.DataFrame
        The ``reports`` table; needs ``doc_id`` and ``text``.
    sentences : pandas.DataFrame, optional
        The ``sentences`` table (``doc_id, section_id, sent_id, start, end``). Each indicator is
        placed in the sentence whose ``[start, end)`` contains its ``start``. Without it,
        ``section_id`` and ``sent_id`` are missing.
    sections : pandas.DataFrame, optional
        The ``sections`` table (``doc_id, section_id, part``), used for ``part``.

    Returns
    -------
    pandas.DataFrame
        The ``indicators`` table, one row per quantity, sorted by ``doc_id`` and ``start``:
        ``doc_id`` (str), ``section_id`` (str or NA), ``part`` (str or NA), ``sent_id`` (Int64)
        followed by the columns of :func:`extract_quantities`: ``measure, category, value,
        unit, value_std, unit_std, approx, low, high, span, start, end, breakdown``; offsets
        refer to ``reports.text``.

    Raises
    ------
    ValueError
        If a table lacks a needed column or ``doc_id`` repeats in ``reports``.

    Examples
    --------
    >>> corpus.reports.pipe(extract_indicators, sentences=corpus.sentences,
    ...                     sections=corpus.sections)  # doctest: +SKIP
    """
    check_columns(reports, "reports", ["doc_id", "text"], "needed to locate indicators")
    if reports["doc_id"].duplicated().any():
        dupes = sorted(reports.loc[reports["doc_id"].duplicated(), "doc_id"].astype(str))
        raise ValueError(f"reports has repeated doc_id values: {dupes[:5]}")
    if sentences is not None:
        check_columns(sentences, "sentences", ["doc_id", "section_id", "sent_id", "start", "end"], "needed to locate indicators")
    if sections is not None:
        check_columns(sections, "sections", ["doc_id", "section_id", "part"], "needed to locate indicators")

    rows = []
    for doc_id, text in sorted(zip(reports["doc_id"].astype(str), reports["text"], strict=True)):
        if not isinstance(text, str):
            raise ValueError(f"report {doc_id!r} has no text")
        rows += [{"doc_id": doc_id, **row} for row in _extract_rows(text)]
    if rows:
        table = pd.DataFrame(rows, columns=["doc_id", *INDICATOR_COLUMNS]).astype(
            {"doc_id": "str", **_DTYPES})
    else:
        table = _empty_indicators()
        table.insert(0, "doc_id", pd.Series([], dtype="str"))

    section_ids = np.full(len(table), None, dtype=object)
    sent_ids = np.full(len(table), -1, dtype="int64")
    if sentences is not None and len(table):
        # Each indicator lies in the sentence whose [start, end) holds its start: one sorted
        # search per report instead of a lookup per row.
        ordered = sentences.assign(doc_id=sentences["doc_id"].astype(str)).sort_values(
            ["doc_id", "start"], kind="stable")
        doc_rows = table.groupby("doc_id", sort=False).indices
        for doc_id, group in ordered.groupby("doc_id", sort=False):
            where = doc_rows.get(doc_id)
            if where is None:
                continue
            starts = group["start"].to_numpy()
            ends = group["end"].to_numpy()
            spans = table["start"].to_numpy()[where]
            k = np.searchsorted(starts, spans, side="right") - 1
            inside = (k >= 0) & (spans < ends[np.clip(k, 0, None)])
            section_ids[where[inside]] = group["section_id"].astype(str).to_numpy()[k[inside]]
            sent_ids[where[inside]] = group["sent_id"].to_numpy()[k[inside]]
    table["section_id"] = pd.Series(section_ids, dtype=object).astype("str")
    table["sent_id"] = pd.array(np.where(sent_ids >= 0, sent_ids, 0), dtype="Int64")
    table.loc[sent_ids < 0, "sent_id"] = pd.NA
    table["part"] = pd.Series([pd.NA] * len(table), dtype="str")
    if sections is not None and len(table):
        parts = sections.assign(
            doc_id=sections["doc_id"].astype(str), section_id=sections["section_id"].astype(str)
        ).drop_duplicates(["doc_id", "section_id"])
        lookup = dict(
            zip(zip(parts["doc_id"], parts["section_id"], strict=True), parts["part"], strict=True)
        )
        table["part"] = pd.Series(
            [
                lookup.get((d, s), pd.NA) if not pd.isna(s) else pd.NA
                for d, s in zip(table["doc_id"], table["section_id"], strict=True)
            ],
            dtype="str",
        )
    table = table.sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)
    return schema.conform(assign_indicators(table, reports), "indicators")


def pivot_indicators(
    indicators: pd.DataFrame,
    reports: pd.DataFrame,
    *,
    by: str = "agency_short",
    include_breakdown: bool = False,
    include_approx: bool = True,
) -> pd.DataFrame:
    """Compare reports side by side: one row per ``by`` value, one column per category and unit.

    Quantities are only added up when their standard unit agrees, so each column is one
    ``(category, unit_std)`` pair: fines in 元, enforcement cases in 起 and in 件 are separate
    columns, never summed together. Counts and amounts are summed; percentages (fractions are in
    % too) and percentage points are averaged, since a sum of rates means nothing. Itemised parts
    of a total (``breakdown``) are left out by default so that a total and its parts are not
    counted twice. Reports that share a ``by`` value are added together: to compare the reports
    of one agency over several years, pivot by ``doc_id`` or filter one year first.

    Parameters
    ----------
    indicators : pandas.DataFrame
        The ``indicators`` table from :func:`extract_indicators`; it may already carry report
        columns (``add_report_columns``), and a ``by`` column there is replaced by ``reports``'.
    reports : pandas.DataFrame
        The ``reports`` table; needs ``doc_id`` and the ``by`` column.
    by : str, default "agency_short"
        Column of ``reports`` that names a row of the result.
    include_breakdown : bool, default False
        Also add up quantities that itemise a total.
    include_approx : bool, default True
        Keep approximate figures (their ``value_std``, the conservative lower figure for 余 and
        ranges). Set to False to compare exact figures only.

    Returns
    -------
    pandas.DataFrame
        Wide table indexed by ``by`` (sorted), with columns a MultiIndex ``(category,
        unit_std)`` sorted by category then unit, one for every pair present in ``indicators``
        (whatever the options); cells are sums of ``value_std`` (means for rates), NaN where
        nothing is stated in that category and unit.

    Raises
    ------
    ValueError
        If a needed column is missing.
    """
    check_columns(indicators, "indicators", ["doc_id", "category", "value_std", "unit_std"], "needed to locate indicators")
    check_columns(reports, "reports", ["doc_id", by], "needed to locate indicators")
    names = reports[["doc_id", by]].assign(doc_id=reports["doc_id"].astype(str))
    # The ``by`` column always comes from ``reports``: a copy already joined onto the indicators
    # (add_report_columns) would otherwise collide with it in the merge.
    merged = (
        indicators.drop(columns=[by], errors="ignore")
        .assign(doc_id=indicators["doc_id"].astype(str))
        .merge(names, on="doc_id", how="inner")
    )
    # The columns come from every indicator, before filtering, so that the options change the
    # cells but never the shape of the table.
    columns = pd.MultiIndex.from_tuples(
        sorted(set(zip(merged["category"], merged["unit_std"], strict=True))),
        names=["category", "unit_std"],
    )
    keep = merged
    if not include_breakdown and "breakdown" in keep.columns:
        keep = keep[~keep["breakdown"].astype(bool)]
    if not include_approx:
        check_columns(indicators, "indicators", ["approx"], "needed to locate indicators")
        keep = keep[~keep["approx"].astype(bool)]
    rates = keep["unit_std"].isin(["%", "‰", "百分点"])
    summed = keep[~rates].groupby([by, "category", "unit_std"], sort=True)["value_std"].sum()
    averaged = keep[rates].groupby([by, "category", "unit_std"], sort=True)["value_std"].mean()
    long = pd.concat([summed, averaged]).sort_index()
    everyone = pd.Index(sorted(names[by].dropna().unique()), name=by)
    if long.empty:
        return pd.DataFrame(index=everyone, columns=columns, dtype="float64")
    wide = long.unstack(["category", "unit_std"])
    return wide.reindex(index=everyone, columns=columns)
