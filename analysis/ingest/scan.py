"""List every entry of a folder of reports, and say which ones can be read.

A folder that users collect is not tidy: ZIPs unpacked from Chinese Windows leave file names
in GBK bytes, people leave symbolic links, a FIFO or a socket sits among the files, a
subfolder is unreadable, a copied tree nests a path longer than the system allows, or a
previous build's output folder lies inside the reports. ``scan_folder`` never raises on any
of them: every entry gets an :class:`Entry`, either readable or with the reason it is not
read, so that ``files.csv`` accounts for all of them.

Rules (also in the README):

- Regular files are read; hidden files and folders (a name starting with ``.``) are listed
  as skipped.
- A symbolic link to a file inside the folder is read like that file. A link that leaves
  the folder, a link to a folder, a dangling link and a link loop are listed and not
  followed, unless ``follow_symlinks`` is set (then links are followed wherever they point,
  each folder at most once).
- FIFOs, sockets and devices are listed as "not a regular file" and never opened, since
  opening a FIFO blocks.
- An unreadable folder, or a path longer than the system limit, is one row with the reason.
- A folder that holds a build of this tool (it has the ``.fzzf-build`` marker) is one row
  and is not read: a build must never read its own output.
- A file name that is not valid UTF-8 is shown decoded as GB18030 (what Chinese Windows
  writes) when that works, else with ``\\xNN`` escapes, so that it can be written to
  Parquet and CSV; the file is still read from its real name.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BUILD_MARKER", "Entry", "common_folder", "display_name", "is_within", "scan_folder",
           "scan_paths", "scan_sources"]

# A file that every build output folder holds, so a scan can recognise one.
BUILD_MARKER = ".fzzf-build"


@dataclass(frozen=True)
class Entry:
    """One entry under the reports folder.

    Attributes
    ----------
    name : str
        Relative POSIX name, valid UTF-8: what ``files.csv`` and the tables show.
    path : Path
        The real path to open (it may hold surrogate-escaped bytes).
    reason : str or None
        Why the entry is not read, or None when it is a file to read.
    size, mtime_ns, ctime_ns : int
        From ``stat`` (0 where there is nothing to stat).
    note : str or None
        A warning that goes with a readable entry (a file name that is not UTF-8).
    """

    name: str
    path: Path
    reason: str | None = None
    size: int = 0
    mtime_ns: int = 0
    ctime_ns: int = 0
    note: str | None = None


def display_name(name: str) -> tuple[str, str | None]:
    """A file name as valid UTF-8 text, and a note when its bytes were not UTF-8.

    Returns
    -------
    (str, str or None)
        ``报告.txt`` for the GBK bytes ``b'\\xb1\\xa8\\xb8\\xe6.txt'`` with the note
        "file name is not UTF-8; shown decoded as GB18030".
    """
    raw = os.fsencode(name)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "file name is not UTF-8; shown decoded as GB18030"
    except UnicodeDecodeError:
        return (raw.decode("utf-8", errors="backslashreplace"),
                "file name is not UTF-8; undecodable bytes shown as \\xNN")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file or folder"


def is_within(path: str | Path, folder: str | Path) -> bool:
    """Whether ``path`` is ``folder`` or lies below it, links resolved."""
    a, b = os.path.realpath(path), os.path.realpath(folder)
    return a == b or a.startswith(b.rstrip(os.sep) + os.sep)


def _error(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "path longer than the system allows; move the file higher up"
    return exc.strerror or str(exc)


def scan_folder(root: Path | str, *, follow_symlinks: bool = False,
                skip: Path | str | None = None) -> list[Entry]:
    """Every entry under ``root``, sorted by name, each readable or with its reason.

    Parameters
    ----------
    root : path
        The reports folder.
    follow_symlinks : bool
        Follow symbolic links wherever they point (each real folder once); by default a
        link is read only when it points to a file inside ``root``.
    skip : path, optional
        A folder to list as one row and not read (the build's own output).

    Returns
    -------
    list of Entry
        Sorted by ``name``; never raises for what it finds inside ``root``.
    """
    root = Path(root)
    real_root = os.path.realpath(root)
    skip_real = os.path.realpath(skip) if skip is not None else None
    entries: list[Entry] = []
    seen_dirs: set[tuple[int, int]] = set()
    try:
        info = os.stat(root)
        seen_dirs.add((info.st_dev, info.st_ino))
    except OSError:
        pass

    def add(rel: str, path: Path, reason: str | None, st: os.stat_result | None = None,
            note: str | None = None) -> None:
        name, name_note = display_name(rel)
        notes = [n for n in (name_note, note) if n]
        entries.append(Entry(name=name, path=path, reason=reason,
                             size=st.st_size if st else 0,
                             mtime_ns=st.st_mtime_ns if st else 0,
                             ctime_ns=st.st_ctime_ns if st else 0,
                             note="; ".join(notes) or None))

    def walk(folder: Path, prefix: str) -> None:
        try:
            with os.scandir(folder) as it:
                children = sorted(it, key=lambda e: os.fsencode(e.name))
        except OSError as exc:
            add(prefix.rstrip("/") + "/" if prefix else "./", folder,
                f"cannot list folder: {_error(exc)}")
            return
        for child in children:
            rel = prefix + child.name
            path = folder / child.name
            try:
                lst = child.stat(follow_symlinks=False)
            except OSError as exc:
                add(rel, path, f"cannot read: {_error(exc)}")
                continue
            if child.name.startswith("."):
                if stat.S_ISDIR(lst.st_mode):
                    add(rel + "/", path, "hidden folder, not read")
                else:
                    add(rel, path, "hidden file", lst)
                continue
            target = path
            if stat.S_ISLNK(lst.st_mode):
                try:
                    real = os.path.realpath(path, strict=True)
                    st = os.stat(path)
                except OSError as exc:
                    if exc.errno == errno.ELOOP:
                        add(rel, path, "symbolic link loop, not followed")
                    else:
                        add(rel, path, "broken symbolic link (its target does not exist)")
                    continue
                inside = is_within(real, real_root)
                if stat.S_ISDIR(st.st_mode) and not follow_symlinks:
                    add(rel, path, "symbolic link to a folder, not followed "
                        "(--follow-symlinks follows it)")
                    continue
                if not inside and not follow_symlinks:
                    add(rel, path, "symbolic link to a file outside the reports folder, "
                        "not followed (--follow-symlinks follows it)")
                    continue
                target = Path(real)
            else:
                st = lst
            if stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                real_dir = os.path.realpath(target)
                if skip_real is not None and is_within(real_dir, skip_real):
                    add(rel + "/", path, "the build's own output folder, not read")
                elif os.path.exists(os.path.join(target, BUILD_MARKER)):
                    add(rel + "/", path, "a build output folder of this tool, not read")
                elif key in seen_dirs:
                    add(rel + "/", path, "folder already read through another link")
                else:
                    seen_dirs.add(key)
                    walk(target, rel + "/")
            elif stat.S_ISREG(st.st_mode):
                add(rel, target, None, st)
            else:
                add(rel, path, f"not a regular file: {_kind(st.st_mode)}", st)

    walk(root, "")
    return _unique(sorted(entries, key=lambda e: e.name))


def scan_paths(paths: list[Path | str], *, base: Path | str | None = None) -> list[Entry]:
    """Entries for an explicit list of files, never opened.

    Each is named by its path relative to ``base`` (by its file name when ``base`` is None).
    """
    entries = []
    for item in paths:
        path = Path(item)
        rel = os.path.relpath(os.path.abspath(path), base) if base is not None else path.name
        name, note = display_name(rel.replace(os.sep, "/"))
        try:
            st = os.stat(path)
        except OSError as exc:
            entries.append(Entry(name=name, path=path, reason=f"cannot read: {_error(exc)}",
                                 note=note))
            continue
        reason = None
        if stat.S_ISDIR(st.st_mode):
            reason = "a folder, not a file"
        elif not stat.S_ISREG(st.st_mode):
            reason = f"not a regular file: {_kind(st.st_mode)}"
        elif path.name.startswith("."):
            reason = "hidden file"
        entries.append(Entry(name=name, path=path, reason=reason, size=st.st_size,
                             mtime_ns=st.st_mtime_ns, ctime_ns=st.st_ctime_ns, note=note))
    return _unique(sorted(entries, key=lambda e: e.name))


def common_folder(sources: Path | str | list[Path | str]) -> Path:
    """The folder that holds every source: a folder itself, a file's parent, or their
    common ancestor (absolute, links not resolved, so names stay as the user wrote them)."""
    items = [Path(sources)] if isinstance(sources, (str, Path)) else [Path(s) for s in sources]
    homes = [a if a.is_dir() else a.parent for a in (Path(os.path.abspath(i)) for i in items)]
    return Path(os.path.commonpath([str(h) for h in homes])) if homes else Path.cwd()


def scan_sources(sources: Path | str | list[Path | str], *, follow_symlinks: bool = False,
                 skip: Path | str | None = None) -> tuple[Path, list[Entry]]:
    """Every entry of a folder, a file, or any mix of folders and files.

    Entries are named by their path relative to the folder that holds every source (the
    source itself for one folder, its folder for one file), so ``load_corpus(["2023",
    "2024"])`` lists ``2023/a.html`` and ``2024/a.html``. A folder is scanned as by
    :func:`scan_folder`; a file that is named twice (or lies in a folder also given) is
    listed once; a source that does not exist is an entry with its reason.

    Returns
    -------
    (Path, list of Entry)
        The common folder and the entries, sorted by name.
    """
    items = [Path(sources)] if isinstance(sources, (str, Path)) else [Path(s) for s in sources]
    if not items:
        return Path.cwd(), []
    absolute = [Path(os.path.abspath(item)) for item in items]
    base = common_folder(items)
    entries: list[Entry] = []
    files = []
    for item, path in zip(items, absolute, strict=True):
        if not path.is_dir():
            files.append(item)
            continue
        rel = os.path.relpath(path, base)
        prefix, prefix_note = display_name("" if rel == "." else rel.replace(os.sep, "/") + "/")
        for entry in scan_folder(item, follow_symlinks=follow_symlinks, skip=skip):
            note = "; ".join(n for n in (prefix_note, entry.note) if n) or None
            entries.append(Entry(name=prefix + entry.name, path=entry.path, reason=entry.reason,
                                 size=entry.size, mtime_ns=entry.mtime_ns,
                                 ctime_ns=entry.ctime_ns, note=note))
    entries += scan_paths(files, base=base)
    unique: dict[str, Entry] = {}
    for entry in entries:
        unique.setdefault(entry.name, entry)
    return base, sorted(unique.values(), key=lambda e: e.name)


def _unique(entries: list[Entry]) -> list[Entry]:
    # Two byte names can show as the same text (a GBK name beside its UTF-8 twin); the
    # later one gets its bytes escaped so that every row of files.csv is one entry.
    seen: set[str] = set()
    out = []
    for entry in entries:
        name = entry.name
        if name in seen:
            raw = os.fsencode(str(entry.path.name))
            escaped = raw.decode("utf-8", errors="backslashreplace")
            name = str(Path(name).parent / escaped) if "/" in name else escaped
            k = 2
            while name in seen:
                name, k = f"{name} ({k})", k + 1
            entry = Entry(name=name, path=entry.path, reason=entry.reason, size=entry.size,
                          mtime_ns=entry.mtime_ns, ctime_ns=entry.ctime_ns, note=entry.note)
        seen.add(name)
        out.append(entry)
    return out
