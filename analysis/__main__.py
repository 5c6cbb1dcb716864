"""Command line: ``python -m analysis build REPORTS_DIR --out OUT_DIR``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.loading import load_corpus
from analysis.paths import SEEDS


def build(reports: Path, out: Path, *, manifest: Path | None = None,
          progress: bool | None = None) -> dict[str, int]:
    """Load a folder of reports and write its tables.

    Writes ``reports``, ``sections``, ``paragraphs``, ``sentences``, ``tokens`` and
    ``indicators`` as Parquet, plus ``reports.csv`` (without the text) and ``files.csv``
    (one row per input file).

    Returns
    -------
    dict
        Number of files by status.
    """
    from analysis.indicators import load_indicators
    from analysis.tokenizing import load_tokens

    corpus = load_corpus(reports, manifest=manifest, progress=progress)
    out.mkdir(parents=True, exist_ok=True)
    for name, table in corpus.tables().items():
        if name != "files":
            table.to_parquet(out / f"{name}.parquet", index=False)
    load_tokens(corpus.sentences).to_parquet(out / "tokens.parquet", index=False)
    load_indicators(corpus.reports, sentences=corpus.sentences,
                    sections=corpus.sections).to_parquet(out / "indicators.parquet", index=False)
    corpus.reports.drop(columns=["text"]).to_csv(out / "reports.csv", index=False)
    corpus.files.to_csv(out / "files.csv", index=False)
    return corpus.files["status"].value_counts().sort_index().to_dict()


def run_notebooks(*, reports: Path | None = None, out: Path | None = None,
                  timeout: int = 1200) -> list[Path]:
    """Execute every ``notebooks/NN-*.ipynb`` headless.

    Without ``reports`` or ``out`` the committed notebooks are executed in place on
    ``seeds/`` and their figures go to ``figures/``. With them, papermill runs the same
    notebooks with ``reports_dir``/``figures_dir`` parameters and writes the executed
    notebooks and figures under ``out``, leaving the committed ones untouched.

    Returns
    -------
    list of Path
        The executed notebooks.
    """
    import nbformat
    from nbclient import NotebookClient

    from analysis.paths import NOTEBOOKS

    notebooks = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    written = []
    if reports is None and out is None:
        for path in notebooks:
            nb = nbformat.read(path, as_version=4)
            NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                           resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
            nbformat.write(nb, path)
            written.append(path)
            print(f"executed {path.name}", file=sys.stderr)
        return written
    import papermill as pm

    out = (out or Path("build/figures-run")).resolve()
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    parameters = {"figures_dir": str(out / "figures")}
    if reports is not None:
        parameters["reports_dir"] = str(Path(reports).resolve())
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
    p_fig = sub.add_parser("figures", help="execute the notebooks and regenerate figures")
    p_fig.add_argument("--reports", type=Path, default=None,
                       help="run the notebooks on this folder instead of seeds/")
    p_fig.add_argument("--out", type=Path, default=None,
                       help="write executed notebooks and figures here, not over the committed ones")
    args = parser.parse_args(argv)
    if args.command == "figures":
        tables = (args.out / "tables") if args.out else Path("build/tables")
        counts = build(args.reports or SEEDS, tables)
        print(f"tables: {counts} -> {tables}", file=sys.stderr)
        run_notebooks(reports=args.reports, out=args.out)
        return 0
    if args.command == "build":
        if not args.reports.exists():
            parser.error(f"{args.reports}: no such folder")
        counts = build(args.reports, args.out, manifest=args.manifest, progress=args.progress)
        summary = ", ".join(f"{n} {status}" for status, n in counts.items())
        print(f"{args.reports}: {summary}; tables written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
