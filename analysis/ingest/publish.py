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

The per-chunk work runs in local worker processes (:func:`run_tasks`) or, with a
``scheduler``, on a Dask distributed cluster (:func:`connect`); the lock, the staging
generation and the publication always stay in the process that runs the build.
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
import socket
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from analysis.ingest.scan import BUILD_MARKER, is_within

__all__ = ["BuildError", "BuildLocked", "SCHEDULER_TIMEOUT", "check_workers", "connect",
           "current_generation", "link_entries", "link_previous", "locked", "new_generation",
           "prepare_out", "publish", "run_tasks"]

GENERATIONS = "generations"
CURRENT = "current"
LOCK = ".lock"
_STAGING = ".staging-"
# Seconds to reach a Dask scheduler: a running one answers in milliseconds, and a wrong
# address must fail the build at once, not after Dask's default of 30 s.
SCHEDULER_TIMEOUT = 10.0
_NEEDS_DASK = "--scheduler needs dask.distributed: pip install 'fzzf-analysis[distributed]'"
_SHARED = ("with --scheduler every worker must see the reports and OUT at the same paths "
           "(a shared file system)")


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
    link_entries(out, entries)
    # Keep the new and the previous generation: a reader may still be reading the latter.
    keep = sorted(p for p in (out / GENERATIONS).iterdir() if p.name.isdigit())[-2:]
    for old in (out / GENERATIONS).iterdir():
        if old.name.isdigit() and old not in keep:
            shutil.rmtree(old, ignore_errors=True)


def link_entries(out: Path, entries: list[str]) -> None:
    """Give each of ``entries`` (names under a generation) its stable link at the top of ``out``."""
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
              on_done: Callable[[dict], None] | None = None, client: Any = None) -> list:
    """Run ``function`` over ``tasks`` in order, in worker processes when ``workers > 1``.

    Workers die with the parent process; on any error or interrupt in the parent the pool
    is shut down and its processes killed before the error propagates. With a Dask
    ``client`` (from :func:`connect`) the tasks run on its cluster instead, and on any error
    the remaining ones are cancelled.

    Returns
    -------
    list
        The results in task order.
    """
    if client is not None and tasks:
        return _run_on_cluster(client, function, tasks, on_done=on_done)
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


# --- a Dask cluster, when one machine is not enough -----------------------------------------

@contextlib.contextmanager
def connect(scheduler: str | None, *, workers: int,
            timeout: float | None = None) -> Iterator[Any]:
    """A Dask client for the build's per-chunk work, closed (with its local cluster) on exit.

    Parameters
    ----------
    scheduler : str or None
        None: no client (local worker processes). ``"local"``: a ``LocalCluster`` on this
        machine (127.0.0.1, ``workers`` processes of one thread each, no dashboard), whose
        workers exit with this process. Any other value is a running scheduler's address,
        ``tcp://host:8786``; its workers must see the reports and the output folder at the
        same paths as this process.
    workers : int
        Worker processes of a local cluster (a running cluster has its own).
    timeout : float, optional
        Seconds to reach the scheduler; default :data:`SCHEDULER_TIMEOUT`.

    Raises
    ------
    BuildError
        Dask is not installed, or the scheduler cannot be reached (naming the address).
    """
    if scheduler is None:
        yield None
        return
    try:
        # Imported here only: a build without --scheduler never imports Dask.
        import distributed
    except ImportError:
        raise BuildError(_NEEDS_DASK) from None
    timeout = SCHEDULER_TIMEOUT if timeout is None else timeout
    with contextlib.ExitStack() as stack:
        if scheduler == "local":
            import logging

            cluster = stack.enter_context(distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None, silence_logs=logging.ERROR))
            address: Any = cluster
        else:
            address = scheduler
            problem = _unreachable(scheduler, timeout)
            if problem:
                raise BuildError(f"{scheduler}: cannot reach the Dask scheduler ({problem}); "
                                 "start one with `dask scheduler` and `dask worker ADDRESS`, "
                                 "or use --scheduler local")
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
        stack.callback(client.close)
        yield client


def _unreachable(scheduler: str, timeout: float) -> str | None:
    # Why ``scheduler`` is no Dask scheduler that answers within ``timeout``, or None. A
    # plain TCP connection first, so that a refused port fails at once (Dask retries until
    # its timeout); then Dask's handshake, bounded here because Dask waits for it without a
    # timeout (a web server on the port, the dashboard's 8787 say, would hang the build).
    import asyncio
    import threading

    from distributed.comm import connect as dask_connect
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        protocol, location = parse_address(scheduler)
        if protocol in ("tcp", "tls"):
            socket.create_connection(parse_host_port(location), timeout=timeout).close()
    except (OSError, ValueError) as exc:
        return (str(exc).splitlines() or [""])[0] or type(exc).__name__

    async def handshake() -> None:
        comm = await asyncio.wait_for(dask_connect(scheduler, timeout=timeout), timeout)
        await comm.close()

    failed: list[BaseException] = []
    # In a thread of its own, so a caller's running event loop (Jupyter's) is no obstacle.
    thread = threading.Thread(target=lambda: _catch(failed, asyncio.run, handshake()),
                              daemon=True)
    thread.start()
    thread.join(timeout + 1)
    if thread.is_alive() or (failed and isinstance(failed[0], TimeoutError)):
        return f"no Dask scheduler answered within {timeout:g} s"
    if failed:
        reason = (str(failed[0]).splitlines() or [""])[0] or type(failed[0]).__name__
        return f"what answered is no Dask scheduler: {reason}"
    return None


def _catch(failed: list[BaseException], function: Callable, *args: Any) -> None:
    try:
        function(*args)
    except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
        failed.append(exc)


def _worker_problem(readable: list[str], writable: list[str], expected: str) -> str | None:
    # Runs on each worker: the first path it cannot see, or other parsing code than the
    # build's (another version installed), which would give other tables.
    for path in readable:
        if not os.access(path, os.R_OK):
            return f"cannot read {path}: {_SHARED}"
    for path in writable:
        if not os.access(path, os.W_OK | os.X_OK):
            return f"cannot write into {path}: {_SHARED}"
    from analysis.ingest.state import parse_fingerprint

    if parse_fingerprint() != expected:
        return ("runs other parsing code than this build: install the same version of "
                "fzzf-analysis on every worker")
    return None


def check_workers(client: Any, *, readable: list[Path], writable: list[Path]) -> None:
    """Check that every worker of ``client`` sees these paths and runs the same code.

    A worker that cannot see an input would record it as unreadable, and one that cannot
    write into the output would fail late: both are refused before any chunk runs.

    Raises
    ------
    BuildError
        Naming the worker and the path, or the need for a shared file system.
    """
    from analysis.ingest.state import parse_fingerprint

    try:
        client.wait_for_workers(1, timeout=SCHEDULER_TIMEOUT)
    except TimeoutError:
        raise BuildError(f"the Dask scheduler {client.scheduler.address} has no workers; "
                         "start them with `dask worker ADDRESS`") from None
    answers = client.run(_worker_problem, [str(p) for p in readable],
                         [str(p) for p in writable], parse_fingerprint())
    for worker, problem in sorted(answers.items()):
        if problem:
            raise BuildError(f"Dask worker {worker} {problem}")


def _run_on_cluster(client: Any, function: Callable, tasks: list[dict], *,
                    on_done: Callable[[dict], None] | None) -> list:
    from distributed import as_completed

    # pure=False: two tasks never share a key, and a rebuild never reuses a stale result.
    futures = client.map(function, tasks, pure=False)
    position = {future.key: k for k, future in enumerate(futures)}
    results: list = [None] * len(tasks)
    try:
        for future in as_completed(futures, loop=client.loop):
            k = position[future.key]
            results[k] = future.result()  # a task's error is raised here, as it was raised
            if on_done is not None:
                on_done(tasks[k])
    except BaseException:
        # Queued chunks never start; a running one finishes into the staging folder, which
        # is never published and which the next build removes.
        with contextlib.suppress(Exception):
            client.cancel(futures, force=True)
        raise
    return results
