"""Compliance with the reporting rules: the five statutory parts and the 1 April deadline.

The rules on these reports (法治政府建设与责任落实督察工作规定, art. 25, 2019) ask every
local government and department at county level and above to publish, before 1 April, a
report on the past year in five parts: the main measures and results (``measures``),
shortcomings and their causes (``shortcomings``), how the principal leaders fulfilled their
duty as first responsible person (``leadership``), the arrangements for the coming year
(``plans``) and other matters (``other``).

:func:`check_compliance` checks each report against both; :func:`count_compliance` counts
the checks by any grouping (level, province, year, unit kind), with the number of reports
behind every share.

Two rules keep the answers honest:

- **Parts are checked only on complete reports.** A truncated page (cut mid-sentence) or
  one that does not run to a closing signature, date or final part may lack its later parts
  only because it was cut. Its part columns are NA and it is counted as ``n_incomplete``,
  never as a report without those parts.
- **Unknown timing is never on time.** The publication date is the page's own (发布日期, or
  the date in its address, or the original date a repost states; a repost that does not
  state it has none). Without it, or without the year covered, ``timing`` is ``unknown``
  and the report counts in neither the on-time nor the late share.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis import schema
from analysis.ingest.segment import classify_part

__all__ = ["STATUTORY_PARTS", "check_compliance", "count_compliance"]

# The five parts the rules ask for, in their order; sections' ``part`` also has "preamble".
STATUTORY_PARTS: tuple[str, ...] = ("measures", "shortcomings", "leadership", "plans", "other")

# count_compliance's columns after the group columns.
_COUNT_COLUMNS = ["n_reports", "n_checked", "n_incomplete", "n_all_parts", "share_all_parts",
                  *(f"{stat}_{part}" for part in STATUTORY_PARTS for stat in ("n", "share")),
                  "n_on_time", "n_late", "n_unknown_timing", "share_late", "median_days_late"]

_REPORT_COLUMNS = ("doc_id", "year", "published", "published_source", "signed", "complete",
                   "truncated")


def _deadline(year: pd.Series, *, month: int, day: int) -> pd.Series:
    """1 April (or the given day) of the year after the one covered, NaT where year is NA."""
    known = year.notna()
    out = pd.Series(pd.NaT, index=year.index, dtype="datetime64[s]")
    if known.any():
        covered = year[known].astype("int64")
        out[known] = pd.to_datetime(pd.DataFrame({"year": covered + 1, "month": month,
                                                  "day": day}))
    return out


def check_compliance(
    reports: pd.DataFrame,
    *,
    sections: pd.DataFrame,
    deadline_month: int = 4,
    deadline_day: int = 1,
) -> pd.DataFrame:
    """Check each report for the five statutory parts and for publication by 1 April.

    Parameters
    ----------
    reports : pandas.DataFrame
        The ``reports`` table (``doc_id, year, published, published_source, signed,
        complete, truncated``); ``text`` is not needed. Not modified.
    sections : pandas.DataFrame
        The ``sections`` table (``doc_id, level, heading, part, n_chars``). Not modified.
    deadline_month, deadline_day : int
        The deadline in the year after the one covered: 1 April by the rules. A report
        published on the deadline itself counts as on time (``days_late == 0``); to read
        "before 1 April" strictly, select ``days_late < 0``.

    Returns
    -------
    pandas.DataFrame
        The ``compliance`` table, one row per report, in the order of ``reports``:

        - ``doc_id``;
        - ``checked`` (bool): the report is complete and not truncated, so its parts are
          checked;
        - ``has_measures`` … ``has_other`` (boolean, NA when not checked): the report has a
          section of that part (a heading that names it);
        - ``n_parts`` (Int64) of the five, and ``all_parts`` (boolean): all five present;
        - ``leadership_in_other_part`` (boolean, NA when not checked): a subheading inside
          another part names the leaders' duty as first responsible person (第一责任人,
          主要负责人…), so the report covers it without a part of its own;
        - ``share_measures`` … ``share_other`` (float, NA when not checked): the part's
          characters over the report's characters in sections (the preamble before the
          first heading included, so these five and the preamble sum to 1); 0 for a part
          the report lacks;
        - ``year`` (Int64, covered), ``deadline`` (ISO date: 1 April of ``year + 1``),
          ``published`` and ``published_source`` (as in ``reports``), ``days_late``
          (Int64: ``published − deadline`` in days, negative when early, NA when either
          is unknown), ``timing`` (``on_time``, ``late`` or ``unknown``) and ``signed``
          (the date under the signature, where the text gives it).
    """
    schema.check_columns(reports, "reports", _REPORT_COLUMNS,
                         "the reports table comes from read_tables or load_corpus")
    schema.check_columns(sections, "sections", ("doc_id", "level", "heading", "part", "n_chars"),
                         "the sections table comes from read_tables or load_corpus")
    if reports["doc_id"].duplicated().any():
        raise ValueError("reports has duplicate doc_id values; check_compliance needs one row "
                         "per report")
    if not (1 <= deadline_month <= 12 and 1 <= deadline_day <= 31):
        raise ValueError(f"deadline {deadline_month}-{deadline_day} is no day of the year")
    doc_ids = reports["doc_id"].astype(str).reset_index(drop=True)
    checked = (reports["complete"].fillna(False).astype(bool)
               & ~reports["truncated"].fillna(False).astype(bool)).reset_index(drop=True)

    # Characters per report and part, from the sections (which do not overlap).
    chars = (sections.assign(doc_id=sections["doc_id"].astype(str))
             .groupby(["doc_id", "part"], observed=True)["n_chars"].sum()
             .unstack("part", fill_value=0)
             .reindex(index=doc_ids, columns=[*STATUTORY_PARTS, "preamble"], fill_value=0)
             .fillna(0))
    total = chars.sum(axis=1).to_numpy(dtype=float)
    # A part is present when it has a section, whose heading alone has characters.
    present = {part: pd.Series(chars[part].to_numpy() > 0) for part in STATUTORY_PARTS}

    out: dict[str, object] = {"doc_id": doc_ids, "checked": checked}
    unchecked = ~checked.to_numpy()
    for part in STATUTORY_PARTS:
        out[f"has_{part}"] = present[part].astype("boolean").mask(unchecked)
    counts = pd.DataFrame({part: present[part] for part in STATUTORY_PARTS}).sum(axis=1)
    out["n_parts"] = counts.astype("Int64").mask(unchecked)
    out["all_parts"] = (counts == len(STATUTORY_PARTS)).astype("boolean").mask(unchecked)
    # Some reports give the leaders' duty a subheading inside another part, (三)主要负责人
    # 履行推进法治建设第一责任人职责情况 under 一、主要工作: no leadership part, but reported.
    inner = sections[(sections["level"] >= 2) & (sections["part"] != "leadership")]
    named = inner.loc[inner["heading"].fillna("").map(classify_part) == "leadership", "doc_id"]
    out["leadership_in_other_part"] = (doc_ids.isin(set(named.astype(str)))
                                       .astype("boolean").mask(unchecked))
    with np.errstate(invalid="ignore", divide="ignore"):
        for part in STATUTORY_PARTS:
            share = pd.Series(chars[part].to_numpy(dtype=float) / total)
            out[f"share_{part}"] = share.where(checked & (total > 0))

    year = pd.to_numeric(reports["year"], errors="coerce").astype("Int64").reset_index(drop=True)
    deadline = _deadline(year, month=deadline_month, day=deadline_day)
    published = reports["published"].reset_index(drop=True)
    # errors="coerce": a malformed date from a manifest is unknown, not a crash.
    published_day = pd.to_datetime(published, errors="coerce", format="%Y-%m-%d")
    late = (published_day - deadline).dt.days.astype("Int64")
    timing = pd.Series(np.where(late.isna(), "unknown",
                                np.where(late.fillna(0) > 0, "late", "on_time")))
    out.update({
        "year": year,
        "deadline": deadline.dt.strftime("%Y-%m-%d"),
        "published": published,
        "published_source": reports["published_source"].reset_index(drop=True),
        "days_late": late,
        "timing": timing,
        "signed": reports["signed"].reset_index(drop=True),
    })
    return schema.conform(pd.DataFrame(out), "compliance")


def count_compliance(
    compliance: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("admin_level",),
) -> pd.DataFrame:
    """Count the compliance checks by group, with the number of reports behind each share.

    Parameters
    ----------
    compliance : pandas.DataFrame
        The ``compliance`` table of :func:`check_compliance`, with the ``by`` columns added
        (``check_compliance(...).pipe(add_report_columns, reports, columns=[...])``).
    by : str or sequence of str
        Grouping columns. A missing value is a group of its own (reports whose level is not
        known are counted, not dropped).

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns;
        ``n_reports``; ``n_checked`` and ``n_incomplete`` (reports whose parts are not
        checked); ``n_all_parts`` and ``share_all_parts`` (of the checked reports; NA
        without any); ``n_<part>`` and ``share_<part>`` for each of the five parts (checked
        reports that have it, and their share); ``n_on_time``, ``n_late``,
        ``n_unknown_timing``; ``share_late`` (of the reports whose timing is known, NA
        without any) and ``median_days_late`` (of those).
    """
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise ValueError("by must name at least one column")
    schema.check_columns(compliance, "compliance",
                         [*keys, "checked", "all_parts", "timing", "days_late",
                          *(f"has_{p}" for p in STATUTORY_PARTS)],
                         "the table comes from check_compliance, with add_report_columns "
                         "for the by columns")
    frame = compliance.assign(
        _checked=compliance["checked"].astype(bool),
        _all=compliance["all_parts"].fillna(False).astype(bool),
        _on_time=compliance["timing"].eq("on_time"),
        _late=compliance["timing"].eq("late"),
        _unknown=~compliance["timing"].isin(["on_time", "late"]),
        **{f"_{p}": compliance[f"has_{p}"].fillna(False).astype(bool)
           for p in STATUTORY_PARTS})
    grouped = frame.groupby(keys, dropna=False, sort=True, observed=True)
    out = grouped.agg(n_reports=("doc_id", "size"), n_checked=("_checked", "sum"),
                      n_all_parts=("_all", "sum"),
                      **{f"n_{p}": (f"_{p}", "sum") for p in STATUTORY_PARTS},
                      n_on_time=("_on_time", "sum"), n_late=("_late", "sum"),
                      n_unknown_timing=("_unknown", "sum"))
    out["median_days_late"] = grouped["days_late"].median().astype("float64")
    out = out.reset_index()
    checked = out["n_checked"].where(out["n_checked"] > 0)
    known = (out["n_on_time"] + out["n_late"]).where(lambda n: n > 0)
    out["n_incomplete"] = out["n_reports"] - out["n_checked"]
    out["share_all_parts"] = out["n_all_parts"] / checked
    for part in STATUTORY_PARTS:
        out[f"share_{part}"] = out[f"n_{part}"] / checked
    out["share_late"] = out["n_late"] / known
    return out[[*keys, *_COUNT_COLUMNS]].reset_index(drop=True)
