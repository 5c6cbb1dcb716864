"""Crash-safe output: one writer at a time, whole builds published at once, workers that die.

A build output folder ``OUT`` looks like this::

    OUT/.fzzf-build                 marker: this folder is a build of this tool
    OUT/.lock                       held (flock) by the build that is writing
    OUT/generations/000007/         one complete build: <table>.parquet/, reports.csv,
                                    files.csv, _build/ (state for the next build)
    OUT/current -> generations/000007
    OUT/reports.parquet -> current/reports.parquet   (and every other table, the CSVs, _build)

A build writes a new generation into ``generations/.staging-…`` (unchanged part files are
hard links to the previous generation, so an incremental build copies nothing), and
publishes it by renaming the staging folder and then swapping the ``current`` link with
one atomic ``rename``. Readers that go through ``current`` see the old build or the new
one, never a mixture; the previous generation is kept until the next publication, so a
reader that pinned it (``read_table`` and ``read_tables`` resolve ``current`` once) can
finish. A build killed at any point leaves ``current`` on the last complete build; the next
build deletes the staging folder and starts from there.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from analysis.ingest.scan import BUILD_MARKER, is_within

__all__ = ["BuildError", "BuildLocked", "current_generation", "locked", "new_generation",
           "prepare_out", "publish", "run_tasks"]

GENERATIONS = "generations"
CURRENT = "current"
LOCK = ".lock"
_STAGING = ".staging-"


class BuildError(RuntimeError):
    """A build cannot start; the message names the folder and the fix."""


class BuildLocked(BuildError):
    """Another build holds the lock on the output folder."""


def prepare_out(out: Path, reports_dir: Path) -> None:
    """Check that ``out`` may hold a build of ``reports_dir`` and mark it as a build folder.

    Raises
    ------
    BuildError
        When ``out`` is inside the reports folder (the next build would read its own
        output), is the reports folder's parent chain, or is a non-empty folder that is not
        a build of this tool (a build replaces what it owns and must not touch anything else).
    """
    if is_within(out, reports_dir):
        raise BuildError(f"{out}: the output folder is inside the reports folder "
                         f"{reports_dir}; a build would read its own output. Choose an "
                         "--out outside it.")
    if is_within(reports_dir, out):
        raise BuildError(f"{out}: the reports folder {reports_dir} is inside the output "
                         "folder; choose an --out that does not contain the reports.")
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out}: exists and is not a folder; choose another --out")
    if out.is_dir() and not (out / BUILD_MARKER).exists():
        legacy = (out / "_build" / "meta.json").is_file()
        if any(out.iterdir()) and not legacy:
            raise BuildError(f"{out}: the folder is not empty and is not a build of this "
                             "tool; choose a new or empty folder for --out")
    out.mkdir(parents=True, exist_ok=True)
    marker = out / BUILD_MARKER
    if not marker.exists():
        marker.write_text(json.dumps({"tool": "fzzf-analysis", "layout": 2}) + "\n",
                          encoding="utf-8")


@contextlib.contextmanager
def locked(out: Path, *, wait: bool = False) -> Iterator[None]:
    """Hold the exclusive lock on ``out`` for the duration of a build.

    The lock is an ``flock`` on ``OUT/.lock``: the kernel releases it when the holder dies,
    even by ``kill -9``, so a stale lock never blocks the next build.

    Raises
    ------
    BuildLocked
        When another build holds it and ``wait`` is False.
    """
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            raise BuildLocked(f"{out}: another build is writing into this folder (pid "
                              f"{holder}); wait for it to finish, or choose another --out"
                              ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def current_generation(out: Path) -> Path | None:
    """The folder of the published build, resolved once (None before the first build)."""
    link = out / CURRENT
    if not link.is_symlink():
        return None
    target = Path(os.path.realpath(link))
    return target if target.is_dir() else None


def new_generation(out: Path) -> tuple[Path, Path]:
    """A fresh staging folder and the name it will be published under.

    Stale staging folders (of a build that was killed) are removed first; the caller holds
    the lock, so no build is writing into them.
    """
    generations = out / GENERATIONS
    generations.mkdir(exist_ok=True)
    numbers = [int(p.name) for p in generations.iterdir() if p.name.isdigit()]
    for stale in generations.glob(_STAGING + "*"):
        shutil.rmtree(stale, ignore_errors=True)
    number = max(numbers, default=0) + 1
    final = generations / f"{number:06d}"
    if final.exists():
        shutil.rmtree(final)
    staging = generations / f"{_STAGING}{number:06d}-{os.getpid()}"
    staging.mkdir()
    return staging, final


def link_previous(previous: Path, staging: Path, names: list[str]) -> None:
    """Start a generation from the previous one: hard links of its part files.

    Part files are never modified in place (every write is a new file renamed over the
    old name), so a link shared by two generations is never changed under a reader.
    """
    for name in names:
        source = previous / name
        if not source.is_dir():
            continue
        target = staging / name
        target.mkdir(parents=True, exist_ok=True)
        for part in sorted(source.iterdir()):
            if part.suffix != ".parquet":
                continue
            try:
                os.link(part, target / part.name)
            except OSError:
                shutil.copy2(part, target / part.name)


def publish(out: Path, staging: Path, final: Path, entries: list[str]) -> None:
    """Make ``staging`` the published build in one atomic step, then drop old generations.

    ``entries`` are the names under a generation that get a stable link at the top of
    ``out`` (``tokens.parquet``, ``files.csv``…), pointing through ``current``.
    """
    os.rename(staging, final)
    temporary = out / f".{CURRENT}.{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)
    os.symlink(os.path.relpath(final, out), temporary)
    os.replace(temporary, out / CURRENT)
    for name in entries:
        link = out / name
        target = os.path.join(CURRENT, name)
        if link.is_symlink() and os.readlink(link) == target:
            continue
        if link.is_symlink() or link.is_file():
            link.unlink()
        elif link.is_dir():
            # A build of the first layout wrote tables here directly.
            shutil.rmtree(link)
        os.symlink(target, link)
    # Keep the new and the previous generation: a reader may still be reading the latter.
    keep = sorted(p for p in (out / GENERATIONS).iterdir() if p.name.isdigit())[-2:]
    for old in (out / GENERATIONS).iterdir():
        if old.name.isdigit() and old not in keep:
            shutil.rmtree(old, ignore_errors=True)


# --- workers that die with the build ------------------------------------------------------

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    # Linux kills the worker when the build process dies, even by kill -9, so no orphan
    # finishes its chunk and writes after the build is gone.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def run_tasks(function: Callable, tasks: list[dict], *, workers: int,
              on_done: Callable[[dict], None] | None = None) -> list:
    """Run ``function`` over ``tasks`` in order, in worker processes when ``workers > 1``.

    Workers die with the parent process; on any error or interrupt in the parent the pool
    is shut down and its processes killed before the error propagates.

    Returns
    -------
    list
        The results in task order.
    """
    results = []
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            results.append(function(task))
            if on_done is not None:
                on_done(task)
        return results
    pool = ProcessPoolExecutor(max_workers=min(workers, len(tasks)),
                               initializer=_die_with_parent, initargs=(os.getpid(),))
    try:
        for task, result in zip(tasks, pool.map(function, tasks), strict=True):
            results.append(result)
            if on_done is not None:
                on_done(task)
    except BaseException:
        processes = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(Exception):
                process.kill()
        raise
    pool.shutdown(wait=True)
    return results
