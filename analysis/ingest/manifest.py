"""Curated metadata: every ``manifest.csv`` in the tree, matched to the files it describes.

A manifest is a CSV with a ``file`` column and any of the fields in :data:`MANIFEST_FIELDS`;
a value overrides what the loader infers, an empty cell leaves inference alone. Rules (also
in the README):

- Every ``manifest.csv`` applies to the files of its own folder and the folders below it.
  It is never read as a report: ``files.csv`` lists it with status ``manifest``.
- A row's ``file`` is matched first as a path relative to the manifest's folder
  (``2023/report.html``), then, when it is a bare name, as the name of one file anywhere
  below. A bare name that fits several files, or two rows that name one file, is an error
  that names the rows: a manifest never guesses which file it meant.
- Where manifests at several depths name the same file, the nearest one (the deepest folder)
  wins, as with ``.gitignore``; the outer one's files row says which rows gave way.
- A file passed by itself (``load_corpus(["a/x.html"])``) takes the manifest beside it, and
  several sources take the one in the folder that holds them all (where ``write_manifest``
  drafts it); such a manifest's rows for files not passed are not reported missing.
- ``manifest=PATH`` takes the place of the top folder's own ``manifest.csv``;
  ``manifest=False`` uses none (each is still listed, as not used).
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import os
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from warnings import warn

import pandas as pd

from analysis.ingest import metadata as md
from analysis.ingest import places
from analysis.ingest.readers import UnreadableFile, decode_bytes
from analysis.ingest.scan import Entry

__all__ = ["MANIFEST_FIELDS", "MANIFEST_NAME", "ManifestError", "ManifestPlan",
           "apply_manifest_row", "manifest_warnings", "read_manifest", "resolve_manifests",
           "resolved_by_manifest"]

MANIFEST_NAME = "manifest.csv"
MANIFEST_FIELDS = ("agency", "agency_short", "admin_level", "province", "city", "district",
                   "adcode", "year", "published", "title")


class ManifestError(ValueError):
    """A malformed or ambiguous manifest; the message names the file and the rows."""


def read_manifest(path: Path) -> pd.DataFrame:
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
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read the manifest ({exc.strerror or exc})") from None
    try:
        # Excel on Chinese Windows saves CSV as GBK: decode by the same detection as reports.
        text, _, _ = decode_bytes(data)
    except UnreadableFile as exc:
        raise ManifestError(f"{path}: not a CSV text file ({exc}); save it as CSV UTF-8") \
            from None
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    if not reader.fieldnames or "file" not in reader.fieldnames:
        raise ManifestError(f"{path}: the header has no 'file' column; the first line must "
                            "name the columns, e.g. file,agency,year")
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ManifestError(f"{path}: line {reader.line_num}: {exc}") from None
    seen: dict[str, int] = {}
    for n, row in enumerate(rows, start=2):
        where = f"{path}: row {n}"
        if None in row:
            raise ManifestError(f"{where}: more cells than header columns")
        # A field never holds a line break, and a note that does is a swallowed row when a
        # later line of it has a comma.
        spanning = [key for key, value in row.items() if value and "\n" in value and (
            key in ("file", *MANIFEST_FIELDS) or "," in value.split("\n", 1)[1])]
        if spanning:
            # csv reads an unclosed quote as one cell running to the next quote, swallowing
            # the rows below into one value: refuse rather than load a 700-character agency.
            raise ManifestError(f"{where}: the {spanning[0]!r} cell runs over several lines "
                                "(an unclosed quote?); close the quote or remove it")
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
    frame = pd.DataFrame(rows, columns=list(reader.fieldnames), dtype="object").map(
        lambda v: v.strip() if isinstance(v, str) else v).replace({"": pd.NA})
    for message in manifest_warnings(frame):
        warn(f"{path}: {message}", stacklevel=2)
    return frame


# Columns a manifest may carry besides the fields: notes for people, never read.
_COMMENT_COLUMNS = ("source", "note", "notes", "comment", "comments", "remark", "remarks")


def manifest_warnings(manifest: pd.DataFrame) -> list[str]:
    """Warnings about a manifest's columns: a name that looks like a misspelled field.

    Columns other than ``file`` and the fields are free comments (``source``, ``notes``…),
    but one that is close to a field name (``agnecy``) is almost certainly a typo whose
    values would be silently ignored.

    Returns
    -------
    list of str
        One message per suspicious column, naming the field it resembles.
    """
    known = ("file", *MANIFEST_FIELDS)
    messages = []
    for column in manifest.columns:
        name = str(column).strip()
        # A drafted manifest (write_manifest) carries each field's source beside it.
        if name in known or name.lower() in _COMMENT_COLUMNS or name.endswith("_source"):
            continue
        close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.7)
        if close:
            messages.append(f"column {name!r} is not a manifest field and is ignored; "
                            f"did you mean {close[0]!r}?")
    return messages



@dataclass
class ManifestPlan:
    """Which manifest row describes which file, decided once for the whole input.

    Attributes
    ----------
    rows : DataFrame
        One row per readable file under a manifest in use: ``file`` (the entry name),
        ``manifest_row`` (``sub/manifest.csv:3``, NA when no row names the file) and the
        fields (NA where the cell is empty).
    files : list of dict
        Rows of ``files``: one per manifest (status ``manifest``), then one per manifest row
        naming a file that is not there (status ``missing``).
    fingerprint : str or None
        SHA-256 over the manifests in use, names and bytes; None when there are none.
    """

    rows: pd.DataFrame
    files: list[dict] = field(default_factory=list)
    fingerprint: str | None = None


@dataclass
class _Manifest:
    label: str          # as files.csv names it
    scope: str          # the folder it covers, "" or "sub/"
    path: Path
    partial: bool       # found beside files passed one by one
    frame: pd.DataFrame | None = None
    listed: bool = True  # an entry of the input (not a manifest=PATH from elsewhere)


def _files_row(name: str, status: str, reason: str) -> dict:
    return {"file": name, "status": status, "reason": reason, "doc_id": None,
            "format": "csv" if status == "manifest" else None, "encoding": None}


def _scope(name: str) -> str:
    parent = str(PurePosixPath(name).parent)
    return "" if parent == "." else parent + "/"


def resolve_manifests(entries: Sequence[Entry], *, manifest: Path | str | bool | None = None,
                      base: Path | None = None) -> tuple[list[Entry], ManifestPlan]:
    """Separate the manifests from the reports and match every manifest row to its file.

    Parameters
    ----------
    entries : list of Entry
        Every entry of the input (see :func:`analysis.ingest.scan.scan_sources`), manifests
        included.
    manifest : path, False or None
        None uses the manifests in the tree; a path takes the place of the top folder's
        ``manifest.csv``; False uses none.
    base : path, optional
        The folder that holds every source (:func:`analysis.ingest.scan.scan_sources`): with
        several sources, its ``manifest.csv`` (the one ``write_manifest`` drafts for them)
        applies to them too, without reporting its other rows missing.

    Returns
    -------
    (list of Entry, ManifestPlan)
        The entries that are not manifests, and the plan (see :class:`ManifestPlan`).

    Raises
    ------
    ManifestError
        A malformed manifest, a bare name that fits several files, or two rows of one
        manifest that name the same file; the message names the manifest and the rows.
    """
    found, others = [], []
    for entry in entries:
        is_manifest = entry.reason is None and PurePosixPath(entry.name).name == MANIFEST_NAME
        (found if is_manifest else others).append(entry)
    manifests = [_Manifest(e.name, _scope(e.name), e.path, partial=False) for e in found]
    # A file passed by itself still takes the manifest beside it (an entry of a scanned
    # folder already has its folder's manifest among the entries).
    known = {os.path.realpath(m.path) for m in manifests}
    # Each folder is looked at once: a scanned folder of 100,000 files has a few folders.
    folders_seen: set[Path] = set()
    for entry in others:
        if entry.reason is not None or entry.path.parent in folders_seen:
            continue
        folders_seen.add(entry.path.parent)
        sibling = entry.path.parent / MANIFEST_NAME
        if sibling.is_file() and os.path.realpath(sibling) not in known:
            known.add(os.path.realpath(sibling))
            label = _scope(entry.name) + MANIFEST_NAME
            manifests.append(_Manifest(label, _scope(entry.name), sibling, partial=True))
    top = base / MANIFEST_NAME if base is not None else None
    if top is not None and top.is_file() and os.path.realpath(top) not in known \
            and not any(m.label == MANIFEST_NAME for m in manifests):
        known.add(os.path.realpath(top))
        manifests.append(_Manifest(MANIFEST_NAME, "", top, partial=True))
    manifests.sort(key=lambda m: m.label)

    files, used = [], []
    explicit = Path(manifest) if manifest not in (None, False, True) else None  # type: ignore[arg-type]
    for m in manifests:
        if manifest is False:
            files.append(_files_row(m.label, "manifest", "manifest not used (manifest=False)"))
        elif explicit is not None and m.scope == "" and \
                os.path.realpath(explicit) != os.path.realpath(m.path):
            files.append(_files_row(m.label, "manifest",
                                    f"manifest not used ({explicit} was given instead)"))
        else:
            m.frame = read_manifest(m.path)
            used.append(m)
    if explicit is not None and not any(m.scope == "" and m.frame is not None for m in used):
        used.append(_Manifest(str(explicit), "", explicit, partial=False,
                              frame=read_manifest(explicit), listed=False))

    readable = sorted(e.name for e in others if e.reason is None)
    claims: dict[str, list[tuple[int, _Manifest, int, dict]]] = defaultdict(list)
    covered: set[str] = set()
    missing = []
    for m in used:
        in_scope = [name for name in readable if name.startswith(m.scope)]
        covered.update(in_scope)
        by_path = {name[len(m.scope):]: name for name in in_scope}
        by_name: dict[str, list[str]] = defaultdict(list)
        for name in in_scope:
            by_name[PurePosixPath(name).name].append(name)
        taken: dict[str, int] = {}
        for n, record in enumerate(m.frame.to_dict("records"), start=2):
            wanted = _clean_name(record["file"])
            if wanted in by_path:
                targets = [by_path[wanted]]
            else:
                targets = by_name.get(wanted, []) if "/" not in wanted else []
            if len(targets) > 1:
                shown = ", ".join(targets[:4]) + (", …" if len(targets) > 4 else "")
                raise ManifestError(
                    f"{m.label}: row {n}: {wanted} fits {len(targets)} files ({shown}); "
                    "write its path relative to the manifest's folder")
            if not targets:
                if not m.partial:
                    missing.append(_files_row(m.scope + wanted, "missing",
                                              f"{m.label} row {n} names a file that is not "
                                              "in the corpus"))
                continue
            target = targets[0]
            if target in taken:
                raise ManifestError(f"{m.label}: rows {taken[target]} and {n} both name "
                                    f"{target}; keep one")
            taken[target] = n
            claims[target].append((m.scope.count("/"), m, n, record))

    gave_way: dict[str, list[int]] = defaultdict(list)
    rows = []
    for name in sorted(covered):
        row: dict = {"file": name, "manifest_row": pd.NA}
        if claims[name]:
            ranked = sorted(claims[name], key=lambda c: -c[0])
            _, winner, n, record = ranked[0]
            for _, loser, k, _ in ranked[1:]:
                gave_way[loser.label].append(k)
            row["manifest_row"] = f"{winner.label}:{n}"
            row.update({f: record.get(f, pd.NA) for f in MANIFEST_FIELDS})
        rows.append(row)
    for m in used:
        if not m.listed:
            continue  # a manifest from elsewhere is not an entry of the input
        notes = manifest_warnings(m.frame)
        if gave_way[m.label]:
            shown = ", ".join(str(k) for k in sorted(gave_way[m.label]))
            notes.append(f"rows {shown} give way to a manifest in a folder nearer the file")
        if m.partial:
            notes.append("found beside the files passed, or in the folder that holds the "
                         "sources; applies to them")
        files.append(_files_row(m.label, "manifest", "; ".join(notes) or "ok"))
    digest = hashlib.sha256()
    for m in used:
        digest.update(f"{m.label}\0{m.scope}\0".encode() + m.path.read_bytes())
    plan_rows = pd.DataFrame(rows, columns=["file", "manifest_row", *MANIFEST_FIELDS],
                             dtype="object")
    return others, ManifestPlan(plan_rows, files + missing,
                                digest.hexdigest() if used else None)


def _clean_name(value: str) -> str:
    # Names typed on Windows (a\\b.html) or with a leading ./ match the same file.
    name = str(value).replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return name


def apply_manifest_row(report: dict, row: dict, *,
                       short_label: Callable[[dict], str]) -> list[str]:
    """Set a report's fields from its manifest row (``report`` is changed in place).

    Returns
    -------
    list of str
        The fields whose manifest value differs from the inferred one (a value filled where
        inference found none counts), for the ``overridden`` column of ``files``.
    """
    inferred = {name: report.get(name) for name in MANIFEST_FIELDS}
    inferred["agency_short"] = short_label(report)
    set_fields = []
    for name in MANIFEST_FIELDS:
        value = row.get(name)
        if value is None or pd.isna(value):
            continue
        report[name] = int(value) if name == "year" else value
        set_fields.append(name)
        if f"{name}_source" in report:
            report[f"{name}_source"] = "manifest"
    if pd.notna(row.get("agency")):
        report["agency_source"] = "manifest"
        # What kind of body the curated name is follows from it, as for an inferred one.
        report["unit_kind"] = md.unit_kind(row["agency"],
                                           joint=isinstance(report.get("party_committee"), str))
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

    def same(a, b) -> bool:
        if a is None or (not isinstance(a, str) and pd.isna(a)):
            return False
        return str(a) == str(b)

    return [name for name in set_fields if not same(inferred[name], report[name])]


def resolved_by_manifest(warning: str, report: dict) -> bool:
    """Whether a loader warning no longer holds once the manifest set the field."""
    fields = {"agency": ("agency not stated", "agency "), "year": ("year covered",),
              "published": ("publication date",)}
    for name, prefixes in fields.items():
        if report.get(f"{name}_source") == "manifest" and warning.startswith(prefixes):
            return True
    if report.get("agency_source") == "manifest" and warning.startswith("place from"):
        return True
    return False
