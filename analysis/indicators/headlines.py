"""Headline values: one checked value per report and catalogue indicator, with its evidence.

A report states the same indicator several times: a year's total (全年办理行政处罚案件814起),
a campaign's share of it (专项整治中处罚案件20起), the part of a total (其中…). The headline
is the first statement of the indicator that is not a breakdown: reports state their totals
first. When a later statement is larger, the first cannot be the total, and the row says the
statements conflict and leaves the value NA rather than guess. Statements are never added up.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import schema
from analysis.indicators.catalogue import clause_before, sentence_before
from analysis.schema import check_columns

__all__ = ["PIVOT_COLUMNS", "pivot_headlines", "select_headlines"]

_UNTIL = re.compile(r"截[至止](?:\d{4}年)?(\d{1,2}|[一二三四五六七八九十]{1,3})月(?:底|末)?"
                    r"|(?:1|一)\s*[-—至~]\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月")
_YEAR_LONG = re.compile(r"全年|年内|年度内|全年度|\d{4}\s*年(?:度)?(?:以来|全年)?")
_AREA = re.compile(r"全(?:省|市|区|县|镇|乡|街道|旗|系统)")


def _period(context: str) -> str | None:
    if m := _UNTIL.search(context):
        return f"截至{m.group(1) or m.group(2)}月"
    if _YEAR_LONG.search(context):
        return "全年"
    return None


def select_headlines(indicators: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """One row per report and catalogue indicator that the report states.

    Parameters
    ----------
    indicators : pandas.DataFrame
        The ``indicators`` table (with ``indicator``), sorted by ``doc_id`` and ``start``.
    reports : pandas.DataFrame
        ``doc_id`` and ``text``: the period and scope are read from the text before a number.

    Returns
    -------
    pandas.DataFrame
        The ``headlines`` table: ``doc_id``, ``indicator``, ``value``, ``unit``,
        ``value_std``, ``unit_std``, ``approx``, ``low``, ``high`` (the chosen statement;
        NA when statements conflict), ``period`` (全年, 截至11月, or NA), ``scope`` (``area``
        when the statement is about the whole 区/市/县…, else ``unit``), ``span``,
        ``start``, ``end``, ``sent_id`` (the evidence), ``n_statements`` (statements of
        the indicator that are not breakdowns), ``alternatives`` (the other statements'
        spans, ``; ``-joined), ``conflict`` (a later statement is larger than the first).
    """
    check_columns(indicators, "indicators", ["doc_id", "indicator", "breakdown", "start",
                                              "value_std"])
    check_columns(reports, "reports", ["doc_id", "text"])
    texts = dict(zip(reports["doc_id"].astype(str), reports["text"], strict=True))
    stated = indicators[indicators["indicator"].notna() & ~indicators["breakdown"].astype(bool)]
    # Plain records grouped in one sorted pass: a pandas group per report and indicator cost
    # more than the rest of the extraction.
    stated = stated.sort_values(["doc_id", "indicator", "start"], kind="stable")
    values = ("value", "unit", "value_std", "unit_std", "approx", "low", "high")
    records = stated[["doc_id", "indicator", "start", "end", "span", "sent_id",
                      *values]].to_dict("records")
    rows = []
    for (doc_id, ident), grouped in itertools.groupby(
            records, key=lambda r: (r["doc_id"], r["indicator"])):
        group = list(grouped)
        first, later = group[0], group[1:]
        conflict = any(r["value_std"] > first["value_std"] for r in later)
        text = texts.get(str(doc_id), "")
        start = int(first["start"])
        row = {"doc_id": doc_id, "indicator": ident,
               "period": _period(sentence_before(text, start)),
               "scope": "area" if _AREA.search(clause_before(text, start)) else "unit",
               "span": first["span"], "start": first["start"], "end": first["end"],
               "sent_id": first["sent_id"], "n_statements": len(group),
               "alternatives": "; ".join(str(r["span"]) for r in later) or None,
               "conflict": conflict}
        for column in values:
            row[column] = None if conflict else first[column]
        rows.append(row)
    if not rows:
        return schema.empty("headlines")
    frame = pd.DataFrame(rows)
    frame["value"] = frame["value"].astype("float64")
    frame["approx"] = frame["approx"].astype("boolean").fillna(False).astype(bool)
    for column in ("value_std", "low", "high"):
        frame[column] = pd.to_numeric(frame[column]).astype(np.float64)
    return schema.conform(frame, "headlines")


# The columns of the headlines table that pivot_headlines reads (a build reads only these).
PIVOT_COLUMNS = ["doc_id", "indicator", "value", "unit", "span", "period", "conflict",
                 "alternatives"]


def _strings(values: pa.Array) -> pd.Series:
    # An Arrow string array as the schema's str column, nulls as NA.
    return pd.Series(values.to_pandas(types_mapper={pa.string(): pd.StringDtype(
        na_value=np.nan)}.get), dtype="str")


def pivot_headlines(headlines: pd.DataFrame, reports: pd.DataFrame, *,
                    columns: tuple[str, ...] = ("doc_id", "label", "agency", "admin_level",
                                                "province", "year")) -> pd.DataFrame:
    """The headlines as a spreadsheet: one row per report, three columns per indicator.

    For each catalogue indicator (in catalogue order) that any report states: ``<id>`` (the
    value as written, NA where not stated or where statements conflict), ``<id>_unit`` and
    ``<id>_evidence`` (the span with its period, or ``conflict: …`` listing the statements).
    Every report of ``reports`` has a row, whether it states anything or not.

    Returns
    -------
    pandas.DataFrame
        The ``headlines_wide`` table.
    """
    from analysis.indicators.catalogue import read_catalogue

    check_columns(headlines, "headlines", PIVOT_COLUMNS)
    keep = [c for c in columns if c in reports.columns]
    wide = reports[keep].reset_index(drop=True).copy()
    stated = set(headlines["indicator"].dropna().unique().tolist())
    order = [i for i in read_catalogue()["id"] if i in stated]
    if not order:
        return wide
    span = headlines["span"]
    evidence = span.str.replace(" ", "") + (" (" + headlines["period"] + ")").fillna("")
    evidence = evidence.where(~headlines["conflict"].astype(bool),
                              "conflict: " + span + "; " + headlines["alternatives"].fillna(""))
    # Each statement's row in the spreadsheet, then one take per indicator and column, in
    # Arrow: a lookup per indicator, column and report cost a second at 10,000 reports.
    row = pd.Index(wide["doc_id"].astype(str)).get_indexer(headlines["doc_id"].astype(str))
    ident_of = headlines["indicator"].astype(str).to_numpy(dtype=object)
    value = headlines["value"].astype("float64").to_numpy()
    unit = pa.array(headlines["unit"].astype("str").array)
    evidence = pa.array(evidence.astype("str").array)
    columns_out = {}
    for ident in order:
        source = np.flatnonzero((ident_of == ident) & (row >= 0))
        take = np.full(len(wide), -1, dtype=np.int64)
        take[row[source]] = source
        missing = take < 0
        columns_out[ident] = pd.Series(np.where(missing, np.nan, value[take]), dtype="float64")
        indices = pa.array(take, mask=missing)
        columns_out[f"{ident}_unit"] = _strings(unit.take(indices))
        columns_out[f"{ident}_evidence"] = _strings(evidence.take(indices))
    return pd.concat([wide, pd.DataFrame(columns_out)], axis=1)
