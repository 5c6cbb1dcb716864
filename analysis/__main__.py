"""Command line: ``python -m analysis build REPORTS_DIR --out OUT_DIR``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from analysis.ingest.manifest import ManifestError
from analysis.ingest.publish import BuildError
from analysis.ingest.readers import Limits
from analysis.paths import ROOT, SEEDS, TABLES


def build(reports: Path | list[Path], out: Path, *, manifest: Path | None = None,
          progress: bool | None = None, workers: int | None = None,
          full: bool = False, **options) -> dict[str, int]:
    """Build (or rebuild incrementally) the tables of report folders and files into ``out``.

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
    import zmq
    from jupyter_client import KernelManager
    from nbclient import NotebookClient
    from traitlets.config import Config

    from analysis.paths import FIGURES, NOTEBOOKS
    from analysis.plotting.style import FIGURES_ENV

    # ipykernel (7.4 and newer) warns "Kernel is running over TCP without encryption" once per
    # notebook unless the kernel manager hands the kernel CurveZMQ keys, which jupyter_client
    # (8.10 and newer) does with transport_encryption "auto" for kernelspecs that declare
    # curve, as ipykernel's does. (Unix sockets, the other way out, break on the kernel's cwd.)
    kernel_config = Config()
    if zmq.has("curve") and "transport_encryption" in KernelManager.class_trait_names():
        kernel_config.KernelManager.transport_encryption = "auto"
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
                               resources={"metadata": {"path": str(NOTEBOOKS)}},
                               config=kernel_config).execute()
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
                            progress_bar=False, kernel_name="python3", config=kernel_config)
        written.append(target)
        print(f"executed {path.name} -> {target}", file=sys.stderr)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis",
                                     description="Read rule-of-law annual reports as tables.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="load folders or files of reports and write tables")
    p_build.add_argument("reports", type=Path, nargs="+",
                         help="folders (read recursively) or files of reports, any mix")
    p_build.add_argument("--out", type=Path, required=True, help="output folder")
    p_build.add_argument("--manifest", type=Path, default=None,
                         help="curated metadata CSV in place of the top folder's manifest.csv "
                         "(every manifest.csv in the tree applies to its folder)")
    p_build.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                         help="show a progress bar (default: only for more than 50 files)")
    p_build.add_argument("--workers", type=int, default=None,
                         help="worker processes (default: number of CPUs; 1 is serial)")
    p_build.add_argument("--scheduler", default=None, metavar="ADDRESS",
                         help="run the chunks on a Dask cluster (pip install "
                         "'fzzf-analysis[distributed]'): 'local' starts one here with "
                         "--workers processes, tcp://host:8786 uses a running scheduler whose "
                         "workers see REPORTS and OUT at the same paths")
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
    p_man = sub.add_parser(
        "manifest", help="write REPORTS/manifest.csv with every inferred value, to correct")
    p_man.add_argument("reports", type=Path, nargs="+",
                       help="folders or files of reports, as for build")
    p_man.add_argument("--out", type=Path, default=None,
                       help="the manifest to write or extend (default: manifest.csv in the "
                       "folder that holds the reports, which the next build applies)")
    p_man.add_argument("--workers", type=int, default=None,
                       help="worker processes (default: number of CPUs)")
    p_book = sub.add_parser(
        "workbook", help="write a build's report tables and indicators to an .xlsx workbook")
    p_book.add_argument("tables", type=Path, help="a build's output folder (build --out)")
    p_book.add_argument("path", type=Path, help="the workbook to write, e.g. reports.xlsx")
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
    if args.command == "manifest":
        from analysis.ingest.manifest import MANIFEST_NAME, read_manifest
        from analysis.ingest.review import write_manifest
        from analysis.ingest.scan import common_folder

        if len(args.reports) == 1 and not os.path.lexists(args.reports[0]):
            parser.error(f"{args.reports[0]}: no such folder or file")
        base_manifest = args.out or common_folder(args.reports) / MANIFEST_NAME
        before = len(read_manifest(base_manifest)) if base_manifest.is_file() else 0
        written = write_manifest(args.reports if len(args.reports) > 1 else args.reports[0],
                                 args.out, workers=args.workers)
        print(f"{base_manifest}: {len(written) - before} rows added, {len(written)} in all. "
              "Check them, correct or fill cells (an empty cell means: infer), then build "
              "again; files.csv says which fields each row overrode.", file=sys.stderr)
        for field in ("agency", "admin_level", "province", "year", "published"):
            empty = int(written[field].isna().sum()) if field in written.columns else 0
            if empty:
                print(f"  {field}: empty in {empty} rows", file=sys.stderr)
        return 0
    if args.command == "workbook":
        from analysis.ingest.export import write_workbook

        if not (args.tables / "reports.parquet").exists():
            raise BuildError(f"{args.tables}: no built tables; run `python -m analysis build "
                             "REPORTS --out TABLES` first")
        print(f"wrote {write_workbook(args.tables, args.path)}", file=sys.stderr)
        return 0
    if args.command == "build":
        if len(args.reports) == 1 and not os.path.lexists(args.reports[0]):
            parser.error(f"{args.reports[0]}: no such folder or file")
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
                       follow_symlinks=args.follow_symlinks, config=config,
                       scheduler=args.scheduler)
        summary = ", ".join(f"{n} {status}" for status, n in counts.items()) or "no files"
        shown = " ".join(str(p) for p in args.reports)
        print(f"{shown}: {summary}; tables written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
