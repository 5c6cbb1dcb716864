"""Load a folder of reports into the corpus tables.

``load_corpus`` reads every file (sorted by path, so the order never depends on the file
system), normalizes it, infers its metadata, segments it, and returns five long tables
joined on ``doc_id``. One bad file never stops a load: each file gets a row in ``files``
saying whether it was loaded, skipped or a duplicate, and why.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import metadata as md
from analysis import places
from analysis.formats import Document, UnreadableFile, read_document
from analysis.normalizing import HEADING_1, normalize_lines, split_page
from analysis.segmenting import segment_body, split_sentences

MANIFEST_NAME = "manifest.csv"
MANIFEST_FIELDS = ("agency", "agency_short", "admin_level", "province", "city", "district",
                   "adcode", "year", "published", "title")
_MIN_BODY_CJK = 100


class ManifestError(ValueError):
    """A malformed manifest; the message names the file and the row."""


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
        file, status (loaded, skipped, duplicate, missing), reason, doc_id, format, encoding.
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


# --- manifest ---------------------------------------------------------------------------

def load_manifest(path: Path) -> pd.DataFrame:
    """Read and validate a manifest of curated metadata.

    Returns
    -------
    DataFrame
        The ``manifest`` table: ``file`` plus any of agency, agency_short, admin_level,
        province, city, district, adcode, year, published, title (empty cells are NA),
        and free comment columns such as ``source``.

    Raises
    ------
    ManifestError
        Naming the file and row: a missing ``file`` column, a duplicate file, a year that is
        not a whole number, a date that is not ISO YYYY-MM-DD, an unknown admin level.
    """
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "file" not in reader.fieldnames:
            raise ManifestError(f"{path}: the header has no 'file' column")
        rows = list(reader)
    seen: dict[str, int] = {}
    for n, row in enumerate(rows, start=2):
        where = f"{path}: row {n}"
        if None in row:
            raise ManifestError(f"{where}: more cells than header columns")
        name = (row.get("file") or "").strip()
        if not name:
            raise ManifestError(f"{where}: empty 'file' cell")
        if name in seen:
            raise ManifestError(f"{where}: file {name} is listed again (first on row {seen[name]})")
        seen[name] = n
        year = (row.get("year") or "").strip()
        if year and not (year.isdigit() and 1949 < int(year) < 2100):
            raise ManifestError(f"{where} ({name}): year {year!r} is not a four-digit year")
        published = (row.get("published") or "").strip()
        if published and (not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published)
                          or md.parse_date(published) != published):
            raise ManifestError(f"{where} ({name}): published {published!r} is not a "
                                "valid ISO date YYYY-MM-DD")
        level = (row.get("admin_level") or "").strip()
        if level and level not in md.ADMIN_LEVELS:
            raise ManifestError(f"{where} ({name}): admin_level {level!r} is not one of "
                                f"{', '.join(md.ADMIN_LEVELS)}")
    frame = pd.DataFrame(rows, dtype="object").map(
        lambda v: v.strip() if isinstance(v, str) else v).replace({"": pd.NA})
    return frame


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
    lines = normalize_lines(doc.text)
    page = split_page(lines)
    # Facts a format reader took from the file itself (an HTML <meta> publication date,
    # a DOCX core property) count as page facts, after the ones printed on the page.
    for key, value in doc.meta.items():
        if key not in ("url", "page_title") and value:
            page.chrome.facts.setdefault(key, value)
    body = [line for _, line in page.body]
    cjk = sum(len(re.findall(r"[\u4e00-\u9fff]", line)) for line in body)
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
    last_line = body[-1]
    # A report ends with a sentence, a signature, or a signature date (2024年1月 counts too).
    month_only = re.fullmatch(r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*"
                              r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月", last_line)
    if not (re.search(r"[。!?;”」』)…]$", last_line) or md.is_signature_date(last_line)
            or month_only or md.find_signature(body + ["2000年1月1日"]) == last_line):
        warnings.append("possibly truncated: the last line ends mid-sentence")
    report = {
        "doc_id": doc_id, "file": file, "sha256": sha256, "format": doc.format,
        "encoding": doc.encoding, "title": meta.title, "agency": meta.agency,
        "agency_stated": meta.agency_stated, "agency_source": meta.agency_source,
        "admin_level": meta.admin_level, "admin_level_source": meta.admin_level_source,
        "province": meta.province, "city": meta.city, "district": meta.district,
        "adcode": meta.adcode, "place_source": meta.place_source,
        "year": meta.year, "year_source": meta.year_source,
        "published": meta.published, "published_source": meta.published_source,
        "doc_number": meta.doc_number, "page_source": meta.page_source,
        "source_url": doc.meta.get("url"), "page_title": doc.meta.get("page_title"),
        "n_chars": len(text), "n_paragraphs": len(body), "n_sections": len(sections),
        "truncated": any(w.startswith("possibly truncated") for w in warnings),
        "text": text,
    }
    return {"report": report, "sections": section_rows, "paragraphs": paragraphs,
            "sentences": sentences, "warnings": warnings, "page": page}


def load_report(path: Path | str, *, file: str | None = None) -> dict:
    """Read and parse one file; see :func:`parse_report`. Raises UnreadableFile."""
    path = Path(path)
    data = path.read_bytes()
    doc = read_document(path)
    return parse_report(doc, file=file or path.name, sha256=hashlib.sha256(data).hexdigest())


# --- the corpus ---------------------------------------------------------------------------

def _list_inputs(source: Path | str | Sequence[Path | str]) -> tuple[Path | None, list[Path]]:
    if isinstance(source, (str, Path)):
        root = Path(source)
        if not root.exists():
            raise FileNotFoundError(f"{root}: no such folder or file")
        if root.is_file():
            return root.parent, [root]
        files = sorted(p for p in root.rglob("*") if p.is_file())
        return root, [p for p in files if p.name != MANIFEST_NAME or p.parent != root]
    paths = sorted(Path(p) for p in source)
    return None, paths


def _apply_manifest(report: dict, row: pd.Series) -> None:
    for name in MANIFEST_FIELDS:
        value = row.get(name)
        if value is None or pd.isna(value):
            continue
        report[name] = int(value) if name == "year" else value
        if f"{name}_source" in report:
            report[f"{name}_source"] = "manifest"
    if pd.notna(row.get("agency")):
        report["agency_source"] = "manifest"
        if pd.isna(row.get("province")) or pd.isna(row.get("admin_level")):
            agency = md.resolve_agency(row["agency"], source="manifest",
                                       context=places.count_place_mentions(report["text"]))
            if agency is not None and agency.place is not None:
                place = agency.place
                for name, value in (("province", place.province), ("city", place.city),
                                    ("district", place.county), ("adcode", place.adcode)):
                    if pd.isna(row.get(name)):
                        report[name] = value
                report["place_source"] = "place lookup"
                if pd.isna(row.get("admin_level")):
                    report["admin_level"] = agency.level
                    report["admin_level_source"] = "place lookup"
    if any(pd.notna(row.get(f)) for f in ("province", "city", "district", "adcode")):
        report["place_source"] = "manifest"


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


REPORT_COLUMNS = [
    "doc_id", "file", "sha256", "format", "encoding", "title", "agency", "agency_short",
    "label", "agency_stated", "agency_source", "admin_level", "admin_level_source", "province",
    "city", "district", "adcode", "place_source", "year", "year_source", "published",
    "published_source", "doc_number", "page_source", "source_url", "page_title", "n_chars", "n_paragraphs", "n_sections",
    "truncated", "text",
]
SECTION_COLUMNS = ["doc_id", "section_id", "parent_id", "level", "heading", "part", "start",
                   "end", "n_chars", "text"]
PARAGRAPH_COLUMNS = ["doc_id", "section_id", "para_id", "start", "end", "text"]
SENTENCE_COLUMNS = ["doc_id", "section_id", "para_id", "sent_id", "start", "end", "text"]
FILE_COLUMNS = ["file", "status", "reason", "doc_id", "format", "encoding"]


def load_corpus(
    source: Path | str | Sequence[Path | str],
    *,
    manifest: Path | str | None | bool = None,
    progress: bool | None = None,
) -> Corpus:
    """Load a folder (or a list) of reports into the corpus tables.

    Parameters
    ----------
    source : path or list of paths
        A folder (read recursively) or a list of files.
    manifest : path, False or None
        Curated metadata that overrides inference. None uses ``manifest.csv`` in the folder
        when there is one; False ignores it.
    progress : bool, optional
        Show a progress bar on stderr; by default only for more than 50 files.

    Returns
    -------
    Corpus
        The ``reports``, ``sections``, ``paragraphs``, ``sentences`` and ``files`` tables.
    """
    root, paths = _list_inputs(source)
    manifest_path = None
    if manifest is None and root is not None and (root / MANIFEST_NAME).is_file():
        manifest_path = root / MANIFEST_NAME
    elif manifest not in (None, False):
        manifest_path = Path(manifest)  # type: ignore[arg-type]
    manifest_rows = load_manifest(manifest_path) if manifest_path else None

    def relative(p: Path) -> str:
        return p.relative_to(root).as_posix() if root is not None else p.name

    show = progress if progress is not None else len(paths) > 50
    iterator: Iterable[Path] = paths
    if show:
        from tqdm.auto import tqdm

        iterator = tqdm(paths, desc="reports", unit="file", file=sys.stderr)

    results = [read_input(path, relative(path)) for path in iterator]
    return assemble_corpus(results, manifest=manifest_rows)


def read_input(path: Path, name: str) -> tuple[str, dict | None, str | None]:
    """Read one input file for :func:`assemble_corpus`; never raises.

    Returns
    -------
    (name, parsed or None, reason or None)
        ``parsed`` as from :func:`load_report`, or the reason the file was skipped. An
        unexpected error while parsing is a reason too, so one bad file never stops a load.
    """
    if any(part.startswith(".") for part in Path(name).parts):
        return (name, None, "hidden file")
    try:
        return (name, load_report(path, file=name), None)
    except UnreadableFile as exc:
        return (name, None, str(exc))
    except OSError as exc:
        return (name, None, f"cannot read file: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - reported in files.csv, never raised
        return (name, None, f"failed to parse: {type(exc).__name__}: {exc}")


def assemble_corpus(results: list, *, manifest: pd.DataFrame | None = None) -> Corpus:
    """Combine per-file results into the corpus tables (deduplicating by doc_id)."""
    reports, sections, paragraphs, sentences, files = [], [], [], [], []
    seen: dict[str, str] = {}
    listed = set(manifest["file"]) if manifest is not None else set()
    by_file = manifest.set_index("file") if manifest is not None else None
    for name, parsed, error in results:
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
        key = name if name in listed else Path(name).name if Path(name).name in listed else None
        if by_file is not None:
            if key is None:
                warnings.append("no manifest row")
            else:
                _apply_manifest(report, by_file.loc[key])
                warnings = [w for w in warnings if not _resolved_by_manifest(w, report)]
        reports.append(report)
        sections += parsed["sections"]
        paragraphs += parsed["paragraphs"]
        sentences += parsed["sentences"]
        files.append({"file": name, "status": "loaded", "reason": "; ".join(warnings) or "ok",
                      "doc_id": doc_id, "format": report["format"],
                      "encoding": report["encoding"]})
    if manifest is not None:
        present = {f["file"] for f in files} | {Path(f["file"]).name for f in files}
        for n, name in enumerate(manifest["file"], start=2):
            if name not in present:
                files.append({"file": name, "status": "missing",
                              "reason": f"manifest row {n} names a file that is not in the corpus",
                              "doc_id": None, "format": None, "encoding": None})

    for report in reports:
        if not report.get("agency_short") or pd.isna(report.get("agency_short")):
            report["agency_short"] = _short_label(report)

    reports_df = pd.DataFrame(reports, columns=REPORT_COLUMNS)
    reports_df["year"] = pd.array(reports_df["year"].tolist(), dtype="Int64")
    reports_df = add_labels(reports_df)
    sections_df = pd.DataFrame(sections, columns=SECTION_COLUMNS)
    paragraphs_df = pd.DataFrame(paragraphs, columns=PARAGRAPH_COLUMNS)
    sentences_df = pd.DataFrame(sentences, columns=SENTENCE_COLUMNS)
    files_df = pd.DataFrame(files, columns=FILE_COLUMNS)
    return Corpus(_tidy(reports_df), _tidy(sections_df), _tidy(paragraphs_df),
                  _tidy(sentences_df), _tidy(files_df))


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


def _resolved_by_manifest(warning: str, report: dict) -> bool:
    fields = {"agency": ("agency not stated", "agency "), "year": ("year covered",),
              "published": ("publication date",)}
    for name, prefixes in fields.items():
        if report.get(f"{name}_source") == "manifest" and warning.startswith(prefixes):
            return True
    if report.get("agency_source") == "manifest" and warning.startswith("place from"):
        return True
    return False


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    # Missing values are pd.NA everywhere, whatever produced them (None, NaN).
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].astype("string")
    return out.reset_index(drop=True)


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
    return frame.merge(reports[["doc_id", *wanted]], on="doc_id", how="left",
                       validate="many_to_one")
