"""Command line: ``python -m analysis build REPORTS_DIR --out OUT_DIR``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from analysis.ingest.corpus import ManifestError
from analysis.ingest.publish import BuildError
from analysis.ingest.readers import Limits
from analysis.paths import ROOT, SEEDS, TABLES


def build(reports: Path, out: Path, *, manifest: Path | None = None,
          progress: bool | None = None, workers: int | None = None,
          full: bool = False, **options) -> dict[str, int]:
    """Build (or rebuild incrementally) the tables of a folder of reports into ``out``.

    See :func:`analysis.ingest.build.build_corpus` for the layout and ``options``. Returns the
    number of input files by status.
    """
    from analysis.ingest.build import build_corpus

    summary = build_corpus(reports, out, manifest=manifest, progress=progress,
                           workers=workers, full=full, **options)
    for warning in summary.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return summary.status


def run_notebooks(*, tables: Path | None = None, out: Path | None = None,
                  timeout: int = 1200) -> list[Path]:
    """Execute every ``notebooks/NN-*.ipynb`` headless on built tables.

    Without ``out`` the committed notebooks are executed in place on the seeds' tables
    (``build/tables``) and their figures go to ``figures/``. With it, papermill runs the
    same notebooks with ``tables_dir``/``figures_dir`` parameters and writes the executed
    notebooks and figures under ``out``, leaving the committed ones untouched. The notebooks
    read only the tables: no report is parsed or tokenized again.

    Returns
    -------
    list of Path
        The executed notebooks.
    """
    import nbformat
    from nbclient import NotebookClient

    from analysis.paths import FIGURES, NOTEBOOKS
    from analysis.plotting.style import FIGURES_ENV

    notebooks = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    written = []
    if out is None:
        # Only this run writes the committed figures; a notebook run by hand writes to the
        # scratch folder. The kernels inherit the environment.
        previous = os.environ.get(FIGURES_ENV)
        os.environ[FIGURES_ENV] = str(FIGURES)
        try:
            for path in notebooks:
                nb = nbformat.read(path, as_version=4)
                NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                               resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
                nbformat.write(nb, path)
                written.append(path)
                print(f"executed {path.name}", file=sys.stderr)
        finally:
            if previous is None:
                os.environ.pop(FIGURES_ENV, None)
            else:
                os.environ[FIGURES_ENV] = previous
        return written
    import papermill as pm

    out = out.resolve()
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    parameters = {"figures_dir": str(out / "figures"),
                  "tables_dir": str(Path(tables or out / "tables").resolve())}
    for path in notebooks:
        target = out / "notebooks" / path.name
        pm.execute_notebook(str(path), str(target), parameters=parameters, cwd=str(NOTEBOOKS),
                            progress_bar=False, kernel_name="python3")
        written.append(target)
        print(f"executed {path.name} -> {target}", file=sys.stderr)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis",
                                     description="Read rule-of-law annual reports as tables.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="load a folder of reports and write its tables")
    p_build.add_argument("reports", type=Path, help="folder of report files")
    p_build.add_argument("--out", type=Path, required=True, help="output folder")
    p_build.add_argument("--manifest", type=Path, default=None,
                         help="curated metadata CSV (default: REPORTS/manifest.csv if present)")
    p_build.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                         help="show a progress bar (default: only for more than 50 files)")
    p_build.add_argument("--workers", type=int, default=None,
                         help="worker processes (default: number of CPUs; 1 is serial)")
    p_build.add_argument("--full", action="store_true",
                         help="ignore the previous build's state and rebuild everything")
    p_build.add_argument("--wait", action="store_true",
                         help="wait for another build writing into OUT instead of failing")
    p_build.add_argument("--follow-symlinks", action="store_true",
                         help="follow symbolic links that leave REPORTS or point to folders")
    for flag, what in (("--extra-terms", "lexicon terms kept whole"),
                       ("--extra-stopwords", "stopwords"), ("--extra-filler", "filler words")):
        p_build.add_argument(flag, type=Path, default=None, metavar="FILE",
                             help=f"one word per line: {what} added to the shipped list")
    defaults = Limits()
    for flag, name, what in (
            ("--max-file-mb", "max_file_bytes", "any input file's size"),
            ("--max-text-mb", "max_text_bytes", "a text or HTML file, or extracted text"),
            ("--max-unpacked-mb", "max_unpacked_bytes", "a DOCX's inflated XML parts")):
        p_build.add_argument(flag, type=float, default=getattr(defaults, name) / 2**20,
                             metavar="MB", help=f"cap on {what} in MiB (default %(default)g)")
    p_fig = sub.add_parser("figures", help="execute the notebooks and regenerate figures")
    p_fig.add_argument("--reports", type=Path, default=None,
                       help="build this folder instead of seeds/ and run the notebooks on it")
    p_fig.add_argument("--out", type=Path, default=None,
                       help="write executed notebooks and figures here, not over the committed ones")
    p_nb = sub.add_parser("notebooks", help="run the notebooks on built tables")
    p_nb.add_argument("--tables", type=Path, default=None,
                      help="built tables (default: build/tables, the seeds')")
    p_nb.add_argument("--out", type=Path, default=None,
                      help="write executed notebooks and figures here, not over the committed ones")
    args = parser.parse_args(argv)
    try:
        return _run(parser, args)
    except (BuildError, ManifestError, FileNotFoundError, NotADirectoryError) as exc:
        # What the user must fix, in one line: the file or folder and the reason.
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the previous build in OUT is unchanged", file=sys.stderr)
        return 130


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "figures":
        # One data flow: build (incrementally) once, then the notebooks read the tables.
        # Another folder never overwrites the committed notebooks and figures.
        out = args.out or (ROOT / "build" / "figures-run" if args.reports else None)
        tables = (out / "tables") if out else TABLES
        counts = build(args.reports or SEEDS, tables)
        print(f"tables: {counts} -> {tables}", file=sys.stderr)
        run_notebooks(tables=tables if out else None, out=out)
        return 0
    if args.command == "notebooks":
        tables = args.tables or TABLES
        if not (tables / "reports.parquet").exists():
            raise BuildError(f"{tables}: no built tables; run `make tables` or "
                             "`python -m analysis build REPORTS --out TABLES` first")
        if args.out is None and tables.resolve() != TABLES.resolve():
            raise BuildError("--out is needed with --tables: the committed notebooks and "
                             "figures are only ever made from the seeds' tables")
        run_notebooks(tables=tables if args.out else None, out=args.out)
        return 0
    if args.command == "build":
        if not args.reports.exists():
            parser.error(f"{args.reports}: no such folder")
        limits = Limits(max_file_bytes=int(args.max_file_mb * 2**20),
                        max_text_bytes=int(args.max_text_mb * 2**20),
                        max_unpacked_bytes=int(args.max_unpacked_mb * 2**20))
        extras = {f"extra_{name}": getattr(args, f"extra_{name}")
                  for name in ("terms", "stopwords", "filler")
                  if getattr(args, f"extra_{name}") is not None}
        config = None
        if extras:
            from analysis.text import TokenizerConfig

            try:
                config = TokenizerConfig(**extras)
            except (TypeError, ValueError) as exc:
                parser.error(str(exc))
        counts = build(args.reports, args.out, manifest=args.manifest, progress=args.progress,
                       workers=args.workers, full=args.full, limits=limits, wait=args.wait,
                       follow_symlinks=args.follow_symlinks, config=config)
        summary = ", ".join(f"{n} {status}" for status, n in counts.items()) or "no files"
        print(f"{args.reports}: {summary}; tables written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
