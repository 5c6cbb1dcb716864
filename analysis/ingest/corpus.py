"""Load a folder of reports into the corpus tables.

``load_corpus`` reads every file (sorted by path, so the order never depends on the file
system), normalizes it, infers its metadata, segments it, and returns five long tables
joined on ``doc_id``. One bad file never stops a load: each file gets a row in ``files``
saying whether it was loaded, skipped or a duplicate, and why.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import schema
from analysis.ingest import metadata as md
from analysis.ingest.manifest import apply_manifest_row, resolve_manifests, resolved_by_manifest
from analysis.ingest.normalize import HEADING_1, normalize_lines, split_page
from analysis.ingest.readers import (
    DEFAULT_LIMITS,
    Document,
    Limits,
    UnreadableFile,
    read_document,
)
from analysis.ingest.scan import Entry, scan_sources
from analysis.ingest.script import detect_script, to_simplified
from analysis.ingest.segment import PARTS, segment_body, split_sentences

__all__ = ["Corpus", "FILE_COLUMNS", "FileResult", "REPORT_COLUMNS", "add_labels",
           "add_report_columns", "assemble_corpus", "load_corpus", "load_report",
           "parse_report", "read_input", "select_reports"]

_MIN_BODY_CJK = 100
_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")


@dataclass
class Corpus:
    """The tables of a loaded corpus, all joined on ``doc_id``.

    Attributes
    ----------
    reports : DataFrame
        One row per report: doc_id, file, sha256, format, encoding, title, agency,
        agency_short, label, admin_level, province, city, district, adcode, year (Int64),
        published (ISO date or NA), n_chars, n_paragraphs, n_sections, text, plus a
        ``*_source`` column for each inferred field (manifest, title, page, body,
        signature, place lookup).
    sections : DataFrame
        doc_id, section_id, parent_id, level, heading, part, start, end, n_chars, text.
    paragraphs : DataFrame
        doc_id, section_id, para_id, start, end, text (offsets into ``reports.text``).
    sentences : DataFrame
        doc_id, section_id, para_id, sent_id, start, end, text.
    files : DataFrame
        file, status (loaded, skipped, duplicate, missing, manifest), reason, doc_id, format,
        encoding: one row for every entry of the folder.
    """

    reports: pd.DataFrame
    sections: pd.DataFrame
    paragraphs: pd.DataFrame
    sentences: pd.DataFrame
    files: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in the order ``build`` writes them."""
        return {"reports": self.reports, "sections": self.sections,
                "paragraphs": self.paragraphs, "sentences": self.sentences, "files": self.files}

    def select(self, **where) -> Corpus:
        """The corpus cut to the reports :func:`select_reports` keeps, in every table.

        ``files`` keeps the rows of the kept reports (loaded files and their duplicates).

        Returns
        -------
        Corpus
            New tables; this corpus is unchanged.
        """
        keep = set(select_reports(self.reports, **where)["doc_id"])
        return Corpus(*(frame[schema.member_mask(frame["doc_id"], keep)].reset_index(drop=True)
                        for frame in self.tables().values()))


_SELECTORS = ("province", "city", "district", "admin_level", "year", "agency", "format")


def select_reports(reports: pd.DataFrame, *, complete: bool = False, **where) -> pd.DataFrame:
    """The reports whose metadata match, e.g. ``select_reports(reports, year=[2023, 2024])``.

    The same criteria cut a corpus in memory (:meth:`Corpus.select`) and a build on disk
    (``read_tables(out, where=...)``, ``read_table(out, table, doc_ids=...)``), so a notebook
    takes its selection as one parameter whatever the source.

    Parameters
    ----------
    reports : DataFrame
        The ``reports`` table.
    complete : bool
        Keep only ``complete`` reports: the body runs to a closing signature or date, or to
        a final part (plans, other), and was not cut mid-sentence.
    **where
        ``province``, ``city``, ``district``, ``admin_level``, ``year``, ``agency`` or
        ``format``: one value or a list of values to keep. A report whose value is missing
        never matches.

    Returns
    -------
    DataFrame
        The kept rows of ``reports``, in their order.

    Raises
    ------
    ValueError
        Naming an unknown criterion.
    """
    unknown = sorted(set(where) - set(_SELECTORS))
    if unknown:
        raise ValueError(f"cannot select reports by {unknown}; use {', '.join(_SELECTORS)} "
                         "or complete=True")
    keep = pd.Series(True, index=reports.index)
    for column, wanted in where.items():
        if wanted is None:
            continue
        values = [wanted] if isinstance(wanted, (str, int)) else list(wanted)
        keep &= reports[column].isin(values).fillna(False).astype(bool)
    if complete:
        keep &= reports["complete"].fillna(False).astype(bool)
    return reports[keep.to_numpy()].reset_index(drop=True)


# --- one report --------------------------------------------------------------------------

def _doc_id(body_text: str) -> str:
    # The id hashes the normalized body, so the same report saved twice, or in another
    # encoding, gets the same id on every machine.
    return hashlib.sha256(body_text.encode("utf-8")).hexdigest()[:16]


def parse_report(doc: Document, *, file: str, sha256: str) -> dict:
    """Normalize, segment and describe one decoded document.

    Returns
    -------
    dict
        ``report`` (a row of ``reports``), ``sections``, ``paragraphs`` and ``sentences``
        (lists of rows), ``warnings`` (reasons for files.csv) and ``raw_lines``.

    Raises
    ------
    UnreadableFile
        When no report body is left after the page chrome is removed.
    """
    # A page in traditional characters is read in simplified ones, meta included: every
    # rule downstream is written in simplified characters (see analysis.ingest.script).
    script = detect_script(doc.text)
    convert = to_simplified if script == "traditional" else str
    lines = normalize_lines(convert(doc.text))
    meta_facts = {key: convert(value) if isinstance(value, str) and key != "url" else value
                  for key, value in doc.meta.items()}
    page = split_page(lines)
    # Facts a format reader took from the file itself (an HTML <meta> publication date,
    # a DOCX core property) count as page facts, after the ones printed on the page.
    for key, value in meta_facts.items():
        if key not in ("url", "page_title") and value:
            page.chrome.facts.setdefault(key, value)
    body = [line for _, line in page.body]
    # Counted by deleting everything else, a run at a time: a list of every character
    # found was 3% of a build.
    cjk = len(_NOT_CJK.sub("", "\n".join(body)))
    if cjk < _MIN_BODY_CJK:
        raise UnreadableFile(f"no recognisable report body ({cjk} Chinese characters "
                             "after page chrome)")
    text = "\n".join(body)
    doc_id = _doc_id(text)
    sections, owner = segment_body(body)
    meta = md.infer_metadata(page, headings=[s.heading for s in sections if s.level == 1]
                             or [line for line in body if HEADING_1.match(line)],
                             url=doc.meta.get("url"))

    starts, pos = [], 0
    for line in body:
        starts.append(pos)
        pos += len(line) + 1
    paragraphs = [
        {"doc_id": doc_id, "section_id": owner[k], "para_id": k, "start": starts[k],
         "end": starts[k] + len(line), "text": line}
        for k, line in enumerate(body)
    ]
    sentences = []
    for k, line in enumerate(body):
        for a, b in split_sentences(line):
            sentences.append({"doc_id": doc_id, "section_id": owner[k], "para_id": k,
                              "sent_id": len(sentences), "start": starts[k] + a,
                              "end": starts[k] + b, "text": line[a:b]})
    section_rows = []
    for s in sections:
        first, last = s.paragraphs[0], s.paragraphs[-1]
        section_text = "\n".join(body[k] for k in s.paragraphs)
        section_rows.append({"doc_id": doc_id, "section_id": s.section_id,
                             "parent_id": s.parent_id, "level": s.level, "heading": s.heading,
                             "part": s.part, "start": starts[first],
                             "end": starts[last] + len(body[last]),
                             "n_chars": len(section_text), "text": section_text})

    warnings = list(doc.warnings) + meta.notes
    parts = {s.part for s in sections}
    truncated, complete = md.find_ending(body, parts)
    if truncated:
        warnings.append("possibly truncated: the last line ends mid-sentence")
    report = {
        "doc_id": doc_id, "file": file, "sha256": sha256, "format": doc.format,
        "encoding": doc.encoding, "script": script, "title": meta.title, "agency": meta.agency,
        "agency_stated": meta.agency_stated, "agency_source": meta.agency_source,
        "unit_kind": meta.unit_kind, "party_committee": meta.party_committee,
        "admin_level": meta.admin_level, "admin_level_source": meta.admin_level_source,
        "province": meta.province, "city": meta.city, "district": meta.district,
        "adcode": meta.adcode, "place_source": meta.place_source,
        "year": meta.year, "year_source": meta.year_source,
        "published": meta.published, "published_source": meta.published_source,
        "signed": meta.signed,
        "doc_number": meta.doc_number, "page_source": meta.page_source,
        "source_url": doc.meta.get("url"), "page_title": meta_facts.get("page_title"),
        "n_chars": len(text), "n_paragraphs": len(body), "n_sections": len(sections),
        "truncated": truncated, "complete": complete,
        "parts": "|".join(p for p in PARTS if p != "preamble" and p in parts),
        "text": text,
    }
    return {"report": report, "sections": section_rows, "paragraphs": paragraphs,
            "sentences": sentences, "warnings": warnings, "page": page}


def load_report(path: Path | str, *, file: str | None = None,
                limits: Limits = DEFAULT_LIMITS) -> dict:
    """Read and parse one file; see :func:`parse_report`. Raises UnreadableFile."""
    path = Path(path)
    doc = read_document(path, limits=limits)
    return parse_report(doc, file=file or path.name, sha256=doc.sha256)


# --- the corpus ---------------------------------------------------------------------------

def _short_label(report: dict) -> str:
    agency = report.get("agency")
    if not agency:
        return report.get("agency_stated") or Path(report["file"]).stem
    for prefix in (report.get("city"), report.get("province")):
        if (prefix and agency.startswith(prefix) and len(agency) > len(prefix) + 2
                and (report.get("district") or prefix == report.get("province"))
                and report.get("admin_level") in ("district", "street")):
            agency = agency[len(prefix):]
            break
    if report.get("admin_level") == "street" and report.get("district"):
        agency = agency.removeprefix(report["district"])
    return md.shorten_agency(agency)


# The columns of each table, from the one schema (analysis.schema).
REPORT_COLUMNS = schema.columns("reports")
FILE_COLUMNS = schema.columns("files")


def load_corpus(
    source: Path | str | Sequence[Path | str],
    *,
    manifest: Path | str | None | bool = None,
    progress: bool | None = None,
    limits: Limits = DEFAULT_LIMITS,
    follow_symlinks: bool = False,
) -> Corpus:
    """Load a folder, a file, or a list of folders and files into the corpus tables.

    Parameters
    ----------
    source : path or list of paths
        A folder (read recursively), a file, or any mix of them in a list. Files are named
        by their path relative to the folder that holds every source
        (see :func:`analysis.ingest.scan.scan_sources`).
    manifest : path, False or None
        Curated metadata that overrides inference. None uses every ``manifest.csv`` in the
        tree, each for its folder and below, and the one beside a file passed by itself
        (see :mod:`analysis.ingest.manifest`); a path takes the place of the top folder's;
        False uses none.
    progress : bool, optional
        Show a progress bar on stderr; by default only for more than 50 files.
    limits : Limits
        Caps on input size (see :class:`analysis.ingest.readers.Limits`).
    follow_symlinks : bool
        Follow symbolic links that leave the folder or point to folders
        (see :mod:`analysis.ingest.scan`).

    Returns
    -------
    Corpus
        The ``reports``, ``sections``, ``paragraphs``, ``sentences`` and ``files`` tables;
        ``files`` has a row for every entry of the input, manifests included.

    Raises
    ------
    FileNotFoundError
        A single source that does not exist (in a list it is a row of ``files``).
    ManifestError
        A malformed or ambiguous manifest, naming the file and rows.
    """
    if isinstance(source, (str, Path)) and not os.path.lexists(source):
        raise FileNotFoundError(f"{source}: no such folder or file")
    base, entries = scan_sources(source, follow_symlinks=follow_symlinks)
    entries, plan = resolve_manifests(entries, manifest=manifest, base=base)

    show = progress if progress is not None else len(entries) > 50
    iterator: Iterable[Entry] = entries
    if show:
        from tqdm.auto import tqdm

        iterator = tqdm(entries, desc="reports", unit="file", file=sys.stderr)

    results = [read_input(entry, limits=limits) for entry in iterator]
    return assemble_corpus(results, manifest=plan.rows, extra_files=plan.files)


@dataclass
class FileResult:
    """What reading one input entry gave: the parsed report, or the reason it was skipped."""

    name: str
    parsed: dict | None
    reason: str | None
    sha256: str | None = None


def read_input(entry: Entry, *, limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """Read one input entry for :func:`assemble_corpus`; never raises.

    Returns
    -------
    FileResult
        ``parsed`` as from :func:`load_report`, or the reason the entry was skipped. An
        unexpected error while parsing is a reason too, so one bad file never stops a load.
        A note on the entry (a file name that is not UTF-8) goes with either.
    """
    name, note = entry.name, entry.note

    def skipped(reason: str, sha256: str | None = None) -> FileResult:
        return FileResult(name, None, f"{reason}; {note}" if note else reason, sha256)

    if entry.reason is not None:
        # Hidden files, links not followed, special files: the scan said why.
        return skipped(entry.reason)
    try:
        parsed = load_report(entry.path, file=name, limits=limits)
    except UnreadableFile as exc:
        return skipped(str(exc))
    except OSError as exc:
        return skipped(f"cannot read file: {exc.strerror or exc}")
    except MemoryError:
        return skipped("out of memory while reading; lower the caps (see Limits)")
    except Exception as exc:  # noqa: BLE001 - reported in files.csv, never raised
        return skipped(f"failed to parse: {type(exc).__name__}: {exc}")
    if note:
        parsed["warnings"] = [note, *parsed["warnings"]]
    return FileResult(name, parsed, None, parsed["report"]["sha256"])


def assemble_corpus(results: list[FileResult], *, manifest: pd.DataFrame | None = None,
                    extra_files: Sequence[dict] = ()) -> Corpus:
    """Combine per-file results into the corpus tables (deduplicating by doc_id).

    ``manifest`` is the ``rows`` of a :class:`analysis.ingest.manifest.ManifestPlan`: the
    manifest row of each file under a manifest, matched already. ``extra_files`` are further
    rows of ``files`` (the manifests themselves, and rows naming missing files, which go
    last).

    Returns
    -------
    Corpus
    """
    reports, sections, paragraphs, sentences = [], [], [], []
    files = [row for row in extra_files if row["status"] != "missing"]
    seen: dict[str, str] = {}
    by_file = {} if manifest is None else \
        {row["file"]: row for row in manifest.to_dict("records")}
    for result in results:
        name, parsed, error = result.name, result.parsed, result.reason
        if parsed is None:
            files.append({"file": name, "status": "skipped", "reason": error, "doc_id": None,
                          "format": Path(name).suffix.lstrip(".") or None, "encoding": None})
            continue
        report = parsed["report"]
        doc_id = report["doc_id"]
        if doc_id in seen:
            files.append({"file": name, "status": "duplicate",
                          "reason": f"same report text as {seen[doc_id]}", "doc_id": doc_id,
                          "format": report["format"], "encoding": report["encoding"]})
            continue
        seen[doc_id] = name
        warnings = list(parsed["warnings"])
        row = by_file.get(name)
        manifest_row = overridden = None
        if row is not None and pd.isna(row["manifest_row"]):
            warnings.append("no manifest row")
        elif row is not None:
            manifest_row = row["manifest_row"]
            overridden = "|".join(apply_manifest_row(report, row, short_label=_short_label)) \
                or None
            warnings = [w for w in warnings if not resolved_by_manifest(w, report)]
        reports.append(report)
        sections += parsed["sections"]
        paragraphs += parsed["paragraphs"]
        sentences += parsed["sentences"]
        files.append({"file": name, "status": "loaded", "reason": "; ".join(warnings) or "ok",
                      "doc_id": doc_id, "format": report["format"],
                      "encoding": report["encoding"], "manifest_row": manifest_row,
                      "overridden": overridden})
    # Every entry in path order (the manifests among them), then the missing ones.
    files.sort(key=lambda row: row["file"])
    files += [row for row in extra_files if row["status"] == "missing"]

    for report in reports:
        if not report.get("agency_short") or pd.isna(report.get("agency_short")):
            report["agency_short"] = _short_label(report)

    return Corpus(schema.conform(add_labels(schema.frame(reports, "reports")), "reports"),
                  schema.frame(sections, "sections"), schema.frame(paragraphs, "paragraphs"),
                  schema.frame(sentences, "sentences"), schema.frame(files, "files"))


def add_labels(reports: pd.DataFrame) -> pd.DataFrame:
    """Set ``label``, a plot label unique within the corpus.

    It is ``agency_short``; where two reports share it, the year is added (长治市城管局 2023),
    and where that is still shared, the file name.

    Returns
    -------
    DataFrame
        A copy of ``reports`` with the ``label`` column set.
    """
    out = reports.copy()
    label = out["agency_short"].astype("object")
    shared = label.duplicated(keep=False)
    with_year = label + " " + out["year"].astype("string").fillna("").astype("object")
    label = label.where(~shared, with_year.str.strip())
    shared = label.duplicated(keep=False)
    with_file = label + " (" + out["file"].astype("object").map(lambda f: Path(f).stem) + ")"
    out["label"] = label.where(~shared, with_file)
    return out


def add_report_columns(
    frame: pd.DataFrame,
    reports: pd.DataFrame,
    *,
    columns: Sequence[str] = ("label", "agency_short", "admin_level", "province", "year"),
) -> pd.DataFrame:
    """Append report-level columns (label, year, admin level…) to any table with ``doc_id``.

    Returns
    -------
    DataFrame
        A copy of ``frame`` with ``columns`` from ``reports`` joined on ``doc_id``; columns
        already in ``frame`` are not duplicated.
    """
    wanted = [c for c in columns if c not in frame.columns]
    if isinstance(frame["doc_id"].dtype, pd.CategoricalDtype) and wanted:
        # A coded table (the build's counts): each report's values are looked up once per
        # category, and text columns stay coded instead of one string per row.
        if reports["doc_id"].duplicated().any():
            raise ValueError("reports has duplicate doc_id values; add_report_columns needs "
                             "one row per report")
        codes = frame["doc_id"].cat.codes.to_numpy()
        per_report = (reports.set_index("doc_id")[wanted]
                      .reindex(frame["doc_id"].cat.categories).reset_index(drop=True))
        # Code -1 (a missing doc_id) takes the extra all-missing row at the end.
        per_report = pd.concat([per_report, per_report.iloc[:0].reindex([len(per_report)])],
                               ignore_index=True)
        rows = np.where(codes >= 0, codes, len(per_report) - 1)
        added = {}
        for name in wanted:
            values = per_report[name]
            if pd.api.types.is_string_dtype(values.dtype):
                values = values.astype("category")
            added[name] = values.take(rows).set_axis(frame.index)
        return frame.assign(**added)
    return frame.merge(reports[["doc_id", *wanted]], on="doc_id", how="left",
                       validate="many_to_one")
