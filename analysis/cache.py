"""Values derived from installed data files, built once per machine and kept in the cache.

Every build worker, notebook kernel and incremental build needs the gazetteer (45,000 places
from jionlp's zip), jieba's dictionary (349,046 entries) and the place names derived from
both. Parsing them costs about 2 s per process, more than tokenizing a hundred reports.
:func:`load_derived` builds such a value once, writes it as a pickle under
``CACHE/derived`` and later reads it back in a fraction of the time.

The key is the SHA-256 of the data files and of the code that derives the value, so a new
jionlp or jieba, or an edited rule, builds it again; a damaged or foreign file is rebuilt,
never trusted. The files are written atomically (a parallel worker reads the old file or the
whole new one). The folder is the user's own cache, like the token cache beside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from analysis import paths

__all__ = ["load_derived"]

T = TypeVar("T")
_FORMAT = b"fzzf-derived-1\n"


def _key(name: str, files: Sequence[Path]) -> str:
    digest = hashlib.sha256(name.encode())
    for path in files:
        digest.update(str(path.name).encode() + b"\0")
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:24]


def load_derived(name: str, files: Sequence[Path | str], build: Callable[[], T], *,
                 folder: Path | None = None) -> T:
    """The value ``build()`` derives from ``files``, read from the cache when it is there.

    Parameters
    ----------
    name : str
        What the value is (``gazetteer``); part of the file name and the key.
    files : sequence of path
        Everything the value depends on: the data files and the modules whose code derives
        it. A change of any byte builds the value again.
    build : callable
        Makes the value; it must be picklable.
    folder : path, optional
        Default ``analysis.paths.CACHE / "derived"``.

    Returns
    -------
    object
        What ``build()`` returns (a fresh build, or the cached copy of one).
    """
    folder = Path(folder) if folder is not None else paths.CACHE / "derived"
    target = folder / f"{name}-{_key(name, [Path(f) for f in files])}.pickle"
    try:
        with open(target, "rb") as handle:
            if handle.read(len(_FORMAT)) == _FORMAT:
                return pickle.load(handle)
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a torn or foreign file is a miss, rebuilt below
        pass
    value = build()
    with contextlib.suppress(OSError):
        # A read-only cache still gives the value; it is only built again next time.
        folder.mkdir(parents=True, exist_ok=True)
        handle_fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}", suffix=".tmp")
        try:
            with os.fdopen(handle_fd, "wb") as handle:
                handle.write(_FORMAT)
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    return value
