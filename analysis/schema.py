"""Every table's columns and dtypes, declared once.

The loaders, the build, the tokenizer and the indicator extractor build their frames
through :func:`frame` or bring them into shape with :func:`conform`, so a table has the
same columns in the same order with the same dtypes whether it comes from
``load_corpus``, from a build on disk or from an empty folder. A new column is one line
here (and one in the README's table of columns, which a test compares with this module).

Dtypes: ``str`` for text (missing is NaN, pandas' default string dtype), ``Int64`` for a
whole number that may be missing, ``boolean`` for a yes/no that may be missing (a check that
was not made), ``int64``, ``float64`` and ``bool`` otherwise. The
``counts`` table's text columns are ``category`` (categories sorted): it has one row per
report and token, tens of millions at national scale, and integer codes keep it in memory
at a tenth of the size of one string per row.

:data:`DESCRIPTIONS` says in a sentence what each column of the tables a co-author receives
(``reports``, ``files``, ``headlines``) holds: the codebook of the workbook export
(:mod:`analysis.ingest.export`) is written from it, so a new column of those tables needs a
description here too (a test checks).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import numpy as np
import pandas as pd

__all__ = ["DESCRIPTIONS", "TABLES", "check_columns", "columns", "conform", "empty", "frame",
           "member_mask", "sort_categories"]

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
        "encoding": _TEXT, "manifest_row": _TEXT, "overridden": _TEXT,
    },
    "tokens": {
        "doc_id": _TEXT, "section_id": _TEXT, "para_id": "int64", "sent_id": "int64",
        "position": "int64", "token": _TEXT, "kind": _TEXT, "pos": _TEXT, "is_stop": "bool",
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
    "compliance": {
        "doc_id": _TEXT, "checked": "bool", "has_measures": "boolean",
        "has_shortcomings": "boolean", "has_leadership": "boolean", "has_plans": "boolean",
        "has_other": "boolean", "n_parts": "Int64", "all_parts": "boolean",
        "leadership_in_other_part": "boolean",
        "share_measures": "float64", "share_shortcomings": "float64",
        "share_leadership": "float64", "share_plans": "float64", "share_other": "float64",
        "year": "Int64", "deadline": _TEXT, "published": _TEXT, "published_source": _TEXT,
        "days_late": "Int64", "timing": _TEXT, "signed": _TEXT,
    },
    "mentions": {
        "doc_id": _TEXT, "label": _TEXT, "section_id": _TEXT, "part": _TEXT,
        "heading_path": _TEXT, "sent_id": "int64", "match": _TEXT, "start": "int64",
        "end": "int64", "sentence": _TEXT,
    },
    # score_readability with its default by=("doc_id",); other by columns replace doc_id.
    # One row per section, written by the build; score_readability sums it by any grouping.
    "readability": {
        "doc_id": _TEXT, "section_id": _TEXT, "n_sentences": "int64", "n_chars": "int64", "n_words": "int64",
        "n_adverbs_conjunctions": "int64", "chars_per_sentence": "float64",
        "adverbs_conjunctions_per_sentence": "float64",
        "adverbs_conjunctions_share": "float64", "readability": "float64",
    },
    # Text reuse (analysis.stats.reuse). same_agency is NA when an agency is unknown.
    "reuse": {
        "doc_a": _TEXT, "doc_b": _TEXT, "start_a": "int64", "end_a": "int64",
        "start_b": "int64", "end_b": "int64", "n_chars": "int64", "year_a": "Int64",
        "year_b": "Int64", "same_agency": "boolean", "text": _TEXT,
    },
    "reuse_scores": {
        "doc_id": _TEXT, "n_chars": "int64", "reused_chars": "int64", "n_partners": "int64",
        "share_reused": "float64", "share_earlier": "float64", "share_superior": "float64",
    },
}


# Where an inferred value came from, for the *_source columns.
_SOURCES = ("manifest, title, page (the page's metadata block), url (the page's address), "
            "signature, body or place lookup")

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "reports": {
        "doc_id": "Report id: the first 16 hex digits of the SHA-256 of the normalized body "
                  "text; the same report saved twice has the same id.",
        "file": "Path of the report's file, relative to the input folder.",
        "sha256": "SHA-256 of the file's bytes, as read.",
        "format": "Format the file was read as: txt, html, docx or pdf.",
        "encoding": "Text encoding the file was decoded from (utf-8, gb18030, ...).",
        "script": "simplified, or traditional: the page was converted to simplified characters.",
        "title": "Title of the report, as the page states it.",
        "agency": "Official name of the reporting agency.",
        "agency_short": "Short agency name, for plot labels.",
        "label": "Plot label, unique in the corpus: agency_short, with the year or file "
                 "name added where two reports share it.",
        "agency_stated": "The agency's name as the text gives it.",
        "agency_source": f"Where agency came from: {_SOURCES}.",
        "unit_kind": "Kind of unit: government, department, street_office, township, or joint "
                     "(issued with its Party committee).",
        "party_committee": "The Party committee (中共…委员会) of a joint report.",
        "admin_level": "Administrative level: national, province, city, district or street.",
        "admin_level_source": f"Where admin_level came from: {_SOURCES}, or addressee "
                              "(whom the report is addressed to).",
        "province": "Province of the agency.",
        "city": "City (prefecture level) of the agency.",
        "district": "District or county of the agency.",
        "adcode": "Administrative division code of the agency's place (GB/T 2260).",
        "place_source": f"Where province, city, district and adcode came from: {_SOURCES}.",
        "year": "Year the report covers.",
        "year_source": f"Where year came from: {_SOURCES}.",
        "published": "ISO date the page says the report was published.",
        "published_source": f"Where published came from: {_SOURCES}; repost (a repost "
                            "without the original date) or repost original (the date its "
                            "lead states).",
        "signed": "ISO date under the signature, or the page's 成文日期.",
        "doc_number": "Document number (文号) the page states.",
        "page_source": "The page's 来源/信息来源 line: who the page says the text is from.",
        "source_url": "Address of the saved page (canonical URL), when the file keeps it.",
        "page_title": "The page's HTML <title>.",
        "n_chars": "Characters in the normalized body text.",
        "n_paragraphs": "Body lines (paragraphs).",
        "n_sections": "Sections (headings, the preamble included).",
        "truncated": "The last line ends mid-sentence: the page may be cut off.",
        "complete": "The body runs to a closing signature or date, or to a final part (plans "
                    "or other); false for a truncated page.",
        "parts": "The statutory parts the report contains, |-joined in order: measures, "
                 "shortcomings, leadership, plans, other.",
        "text": "Normalized body text; start/end offsets of other tables point into it.",
    },
    "files": {
        "file": "Path of the entry, relative to the folder that holds every input.",
        "status": "What became of it: loaded, skipped, duplicate, missing (named by the "
                  "manifest, absent) or manifest (the manifest itself).",
        "reason": "Why it was skipped, missing or a duplicate; for a loaded file its "
                  "warnings, ;-joined, or ok.",
        "doc_id": "Id of the report it holds (loaded and duplicate files).",
        "format": "Format the file was read as: txt, html, docx, pdf (csv for the manifest).",
        "encoding": "Text encoding the file was decoded from.",
        "manifest_row": "The manifest and row that gave the file's metadata, e.g. "
                        "sub/manifest.csv:3; empty when no manifest names the file.",
        "overridden": "The fields whose manifest value differs from the inferred one (a "
                      "value filled where inference found none counts), |-joined, e.g. "
                      "agency|year.",
    },
    "headlines": {
        "doc_id": "Report id (see reports).",
        "indicator": "Catalogue indicator id (resources/indicator_catalogue.tsv).",
        "value": "Value as written (150 of 150余万元); empty when the statements conflict.",
        "unit": "Unit as written (万元, 起, %).",
        "value_std": "Value in the standard unit (1500000 for 150余万元).",
        "unit_std": "Standard unit (元, 起, %).",
        "approx": "The value is approximate (余, 多, 近, 约, 以上, 超过).",
        "low": "Lower bound of an approximate value, in the standard unit.",
        "high": "Upper bound of an approximate value, in the standard unit.",
        "period": "Period the statement covers: 全年, 截至11月, or empty when not stated.",
        "scope": "area (the whole 区/市/县... it governs) or unit (the agency itself).",
        "span": "The evidence: exact source text of the chosen statement.",
        "start": "Character offset of span in the report's text.",
        "end": "Character offset just after span in the report's text.",
        "sent_id": "Sentence of the evidence (sentences table).",
        "n_statements": "Statements of the indicator in the report that are not breakdowns.",
        "alternatives": "The other statements' spans, ;-joined.",
        "conflict": "A later statement is larger than the first: no value is chosen.",
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


def member_mask(values: pd.Series, members: Collection[object]) -> np.ndarray:
    """Whether each of ``values`` is one of ``members``: ``values.isin(members)``, faster.

    pandas' ``isin`` on a ``str`` column makes an Arrow scalar of every member first, about
    10 µs each: a tenth of a second for the 10,000 file names an incremental build keeps, on
    every build, growing with the corpus. A missing value is never a member.

    Returns
    -------
    numpy.ndarray
        Booleans, one per value.
    """
    members = members if isinstance(members, (set, frozenset, dict)) else set(members)
    return np.fromiter((value in members for value in values.tolist()), dtype=bool,
                       count=len(values))


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
