"""The workbook for co-authors: the report-level tables in one .xlsx file, with a codebook.

:func:`write_workbook` takes a build folder (read back as :func:`~analysis.ingest.build.
read_tables` does) or an in-memory :class:`~analysis.ingest.corpus.Corpus` and writes the
sheets ``reports`` (without ``text``), ``headlines_wide`` (one row per report, the
spreadsheet of the build's ``headlines_wide.csv``), ``headlines`` (one row per report and
indicator, with its evidence), ``files``, ``codebook`` (every column of every sheet, with its
dtype and what it holds, from :data:`analysis.schema.DESCRIPTIONS` and the indicator
catalogue) and ``about`` (package version, source and the conventions below).

Excel's limits are met, never left to openpyxl: a text cell holds at most 32,767
characters (longer text is cut and ends in :data:`TRUNCATION_MARKER`, and the codebook says
which columns were cut); control characters are illegal in XML and removed; a sheet holds at
most 1,048,576 rows (a ValueError names the sheet). Text that starts with ``=`` stays text,
never a formula. The same tables give the same bytes: the document properties and the ZIP
entries carry fixed times.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from analysis import __version__, schema
from analysis.indicators import (
    extract_indicators,
    pivot_headlines,
    read_catalogue,
    select_headlines,
)
from analysis.ingest.build import read_table
from analysis.ingest.corpus import Corpus, select_reports
from analysis.ingest.publish import current_generation

__all__ = ["CELL_LIMIT", "COLUMN_LIMIT", "ROW_LIMIT", "SHEETS", "TRUNCATION_MARKER",
           "write_workbook"]

CELL_LIMIT = 32_767
ROW_LIMIT = 1_048_576  # the header row included
COLUMN_LIMIT = 16_384
_SHEET_NAME_LIMIT = 31
TRUNCATION_MARKER = "…[truncated]"
SHEETS = ("reports", "headlines_wide", "headlines", "files", "codebook", "about")
# Fixed times, so that the same tables give the same bytes: openpyxl stamps the document
# properties with the time of saving and zipfile stamps every entry with its own.
_PROPERTIES_TIME = datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_WIDTH_SAMPLE = 200
_WIDTH_MIN, _WIDTH_MAX = 6, 60


def write_workbook(source: Corpus | str | os.PathLike[str], path: str | os.PathLike[str], *,
                   where: Mapping[str, Any] | None = None) -> Path:
    """Write the report-level tables and the indicators' wide table to one .xlsx workbook.

    Parameters
    ----------
    source : Corpus, str or path-like
        A build folder (``python -m analysis build``'s OUT, or one of its generations), or a
        corpus from :func:`~analysis.ingest.corpus.load_corpus` or ``read_tables`` (with
        text: the headlines are extracted from it as the build does).
    path : str or path-like
        The workbook to write, ending in ``.xlsx``; an existing file is replaced whole.
    where : mapping, optional
        Keep only these reports, as :func:`~analysis.ingest.corpus.select_reports` does
        (``{"year": 2024, "complete": True}``); every sheet is cut consistently.

    Returns
    -------
    pathlib.Path
        The path of the workbook, whose sheets are ``reports``, ``headlines_wide``,
        ``headlines``, ``files``, ``codebook`` (sheet, column, dtype, description) and
        ``about``.

    Raises
    ------
    ValueError
        When ``path`` does not end in ``.xlsx``, or a sheet has more rows or columns than
        Excel holds (the message names the sheet).
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path}: a workbook's name must end in .xlsx")
    sheets, about = _collect(source, where=where)
    described = {name: _describe(name, frame) for name, frame in sheets.items()}
    # Every sheet is checked before the first is begun: a write-only sheet left half
    # written cannot be closed cleanly.
    for name, frame in sheets.items():
        _check_size(name, frame)

    workbook = Workbook(write_only=True)
    workbook.properties.creator = f"fzzf-analysis {about['package version']}"
    workbook.properties.created = workbook.properties.modified = _PROPERTIES_TIME
    truncated = {name: _write_sheet(workbook, name, frame) for name, frame in sheets.items()}
    codebook = pd.DataFrame(
        [{"sheet": name, "column": column, "dtype": str(sheets[name][column].dtype),
          "description": described[name][column] + (
              f" {n} cell(s) longer than {CELL_LIMIT:,} characters were cut and end in "
              f"{TRUNCATION_MARKER}." if (n := truncated[name].get(column)) else "")}
         for name in sheets for column in sheets[name].columns],
        columns=["sheet", "column", "dtype", "description"])
    about["truncated cells"] = sum(sum(counts.values()) for counts in truncated.values())
    _write_sheet(workbook, "codebook", codebook)
    _write_sheet(workbook, "about", pd.DataFrame(list(about.items()), columns=["item", "value"]))

    partial = path.with_name(path.name + ".partial")
    try:
        with ZipFile(partial, "w", ZIP_DEFLATED, allowZip64=True) as archive:
            # Not workbook.save(), which stamps the properties with the time of saving.
            ExcelWriter(workbook, archive).save()
        _fix_zip_times(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _collect(source: Corpus | str | os.PathLike[str], *,
             where: Mapping[str, Any] | None) -> tuple[dict[str, pd.DataFrame], dict]:
    about: dict[str, Any] = {"package version": __version__}
    if isinstance(source, Corpus):
        corpus = source.select(**where) if where else source
        indicators = extract_indicators(corpus.reports, sentences=corpus.sentences,
                                        sections=corpus.sections)
        headlines = select_headlines(indicators, corpus.reports)
        reports = corpus.reports.drop(columns=["text"], errors="ignore")
        files = corpus.files
        about["source"] = "corpus in memory"
    elif isinstance(source, (str, os.PathLike)):
        out = Path(source)
        generation = current_generation(out) or out
        reports = read_table(generation, "reports", text=False)
        doc_ids = None
        if where:
            reports = select_reports(reports, **where)
            doc_ids = reports["doc_id"]
        headlines = read_table(generation, "headlines", doc_ids=doc_ids)
        files = read_table(generation, "files", doc_ids=doc_ids)
        about["source"] = f"build generation {generation.name}"
        meta = generation / "_build" / "meta.json"
        if meta.is_file():
            # The time the build's state was written: fixed for a given build.
            about["built (UTC)"] = datetime.fromtimestamp(
                meta.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M:%S")
    else:
        raise TypeError(f"source must be a Corpus or a build folder, got "
                        f"{type(source).__name__}")
    about["selection"] = repr(dict(where)) if where else "all reports"

    # The build's order: reports by file, as headlines_wide.csv; each report's headlines in
    # catalogue order, so a co-author reads them report by report.
    reports = reports.sort_values("file", kind="stable").reset_index(drop=True)
    report_rank = {doc: k for k, doc in enumerate(reports["doc_id"])}
    indicator_rank = {ident: k for k, ident in enumerate(read_catalogue()["id"])}
    headlines = (headlines.assign(_report=headlines["doc_id"].map(report_rank),
                                  _indicator=headlines["indicator"].map(indicator_rank))
                 .sort_values(["_report", "_indicator"], kind="stable")
                 .drop(columns=["_report", "_indicator"]).reset_index(drop=True))
    sheets = {"reports": reports, "headlines_wide": pivot_headlines(headlines, reports),
              "headlines": headlines, "files": files.reset_index(drop=True)}
    return sheets, about


def _describe(sheet: str, frame: pd.DataFrame) -> dict[str, str]:
    # Every column's description: the schema's for the tables, the catalogue's for the wide
    # table's indicator columns. An undescribed column gets "" (tests/test_schema.py checks
    # that the schema describes every column of these tables).
    if sheet != "headlines_wide":
        return {c: schema.DESCRIPTIONS[sheet].get(c, "") for c in frame.columns}
    out = {c: schema.DESCRIPTIONS["reports"].get(c, "") for c in frame.columns}
    for row in read_catalogue().itertuples():
        name = f"{row.name_zh}: {row.definition}."
        units = ", ".join(row.units.split("|"))
        out[row.id] = (f"{name} The headline value as the report writes it, in the unit of "
                       f"{row.id}_unit; empty where the report does not state it or its "
                       f"statements conflict.")
        out[f"{row.id}_unit"] = (f"{name} The unit {row.id} is written in, which may differ "
                                 f"from the catalogue's ({units}): read value and unit "
                                 f"together.")
        out[f"{row.id}_evidence"] = (f"{name} The evidence: the text stating {row.id}, with "
                                     f"its period in parentheses (全年, 截至11月), or "
                                     f"conflict: and the statements that disagree.")
    return {c: out.get(c, "") for c in frame.columns}


def _check_size(sheet: str, frame: pd.DataFrame) -> None:
    if len(sheet) > _SHEET_NAME_LIMIT:
        raise ValueError(f"sheet name {sheet!r} is longer than Excel's {_SHEET_NAME_LIMIT}")
    if len(frame) + 1 > ROW_LIMIT:
        raise ValueError(f"sheet {sheet!r} has {len(frame):,} rows; an Excel sheet holds at "
                         f"most {ROW_LIMIT - 1:,} below its header: select fewer reports "
                         f"(where=...) or read the build's Parquet tables")
    if frame.shape[1] > COLUMN_LIMIT:
        raise ValueError(f"sheet {sheet!r} has {frame.shape[1]:,} columns; an Excel sheet "
                         f"holds at most {COLUMN_LIMIT:,}")


def _text(value: str) -> tuple[str | None, bool]:
    # Control characters are illegal in the sheet's XML; Excel cuts nothing itself but
    # refuses the file, so an over-long cell is cut here, visibly.
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(value) <= CELL_LIMIT:
        return value or None, False
    return value[:CELL_LIMIT - len(TRUNCATION_MARKER)] + TRUNCATION_MARKER, True


def _cell(value: Any) -> tuple[Any, bool]:
    # One pandas value as what openpyxl writes: None is an empty cell (NA, NaN, pd.NA of
    # Int64), Python bool a TRUE/FALSE cell, numbers plain numbers.
    if value is None or value is pd.NA or value is pd.NaT:
        return None, False
    if isinstance(value, (bool, np.bool_)):
        return bool(value), False
    if isinstance(value, (int, np.integer)):
        return int(value), False
    if isinstance(value, (float, np.floating)):
        # Excel stores no NaN or infinity: both are left empty.
        return (float(value) if math.isfinite(value) else None), False
    return _text(value if isinstance(value, str) else str(value))


def _width(values: list[str]) -> float:
    # Han characters are twice as wide as Latin ones in Excel's default fonts.
    longest = max((sum(2 if ord(ch) > 0x2E7F else 1 for ch in v) for v in values), default=0)
    return float(min(max(longest + 2, _WIDTH_MIN), _WIDTH_MAX))


def _write_sheet(workbook: Workbook, name: str, frame: pd.DataFrame) -> dict[str, int]:
    # Writes one sheet (its size checked by the caller); returns the number of truncated
    # cells per column.
    sheet = workbook.create_sheet(name)
    columns = [str(c) for c in frame.columns]
    data = [[_cell(v) for v in frame[c].astype("object")] for c in frame.columns]
    truncated = {c: n for c, cells in zip(columns, data, strict=True)
                 if (n := sum(cut for _, cut in cells))}
    # Widths, the frozen header and the filter go before the rows: a write-only sheet writes
    # its head when the first row arrives.
    for k, (column, cells) in enumerate(zip(columns, data, strict=True), start=1):
        sample = [column, *(str(v) for v, _ in cells[:_WIDTH_SAMPLE] if v is not None)]
        sheet.column_dimensions[get_column_letter(k)].width = _width(sample)
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=_text(column)[0])
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for i in range(len(frame)):
        sheet.append([_as_text(sheet, cells[i][0]) for cells in data])
    return truncated


def _as_text(sheet, value: Any) -> Any:
    # openpyxl reads a string that starts with = as a formula and #N/A as an error; a title
    # or a span is text, so such a cell is typed as a string explicitly.
    if isinstance(value, str) and ((len(value) > 1 and value.startswith("="))
                                   or value in ERROR_CODES):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _fix_zip_times(written: Path, path: Path) -> None:
    # Copies the archive entry by entry with fixed times and permissions, then renames it
    # over ``path``: a reader never sees half a workbook.
    fixed = path.with_name(path.name + ".fixed")
    try:
        with ZipFile(written) as source, ZipFile(fixed, "w", ZIP_DEFLATED,
                                                 allowZip64=True) as target:
            for info in source.infolist():
                entry = ZipInfo(info.filename, date_time=_ZIP_TIME)
                entry.compress_type = ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                # The size tells zipfile whether the entry needs ZIP64 (over 2 GiB).
                entry.file_size = info.file_size
                with source.open(info) as reader, target.open(entry, "w") as writer:
                    shutil.copyfileobj(reader, writer)
        os.replace(fixed, path)
    finally:
        fixed.unlink(missing_ok=True)
