"""Ingest: from folders and files to the corpus tables.

Stage by stage: :mod:`~analysis.ingest.scan` lists every entry of the folders and files
given, :mod:`~analysis.ingest.manifest` matches every ``manifest.csv`` to its files,
:mod:`~analysis.ingest.readers` turns each file into text (one module per input format),
:mod:`~analysis.ingest.normalize` removes page chrome, :mod:`~analysis.ingest.segment`
finds sections and sentences, :mod:`~analysis.ingest.metadata` and
:mod:`~analysis.ingest.places` infer who reports on which year, :mod:`~analysis.ingest.corpus`
assembles the tables in memory (``load_corpus``), and :mod:`~analysis.ingest.build` writes
them as partitioned Parquet (part files: :mod:`~analysis.ingest.parts`; what changed since
the last build: :mod:`~analysis.ingest.state`), published safely by
:mod:`~analysis.ingest.publish`, in local processes or on a Dask cluster.
:mod:`~analysis.ingest.review` drafts a manifest for a person to check, and
:mod:`~analysis.ingest.export` writes the workbook for co-authors.
"""
