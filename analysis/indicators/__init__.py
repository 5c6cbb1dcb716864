"""Quantitative indicators stated in report prose: the ``indicators`` table.

- :mod:`~analysis.indicators.quantities`: candidate quantities (number, unit, qualifier);
- :mod:`~analysis.indicators.measures`: what each counts, its category, breakdowns;
- :mod:`~analysis.indicators.catalogue`: the catalogue of comparable indicators
  (``resources/indicator_catalogue.tsv``) and :func:`assign_indicators`, which gives each
  quantity the indicator id it states, or NA;
- :mod:`~analysis.indicators.headlines`: :func:`select_headlines`, one value per report and
  indicator with its evidence (the ``headlines`` table);
- :mod:`~analysis.indicators.extract`: :func:`extract_quantities` (one text),
  :func:`extract_indicators` (the table for every report) and :func:`pivot_indicators`;
- :mod:`~analysis.indicators.lexicon` and :mod:`~analysis.indicators.resources`: the
  vocabulary and the resource files. Display names of the categories are in
  :data:`analysis.labels.CATEGORY_LABELS`.
"""

from analysis.indicators.catalogue import assign_indicators, read_catalogue
from analysis.indicators.extract import extract_indicators, extract_quantities, pivot_indicators
from analysis.indicators.headlines import pivot_headlines, select_headlines
from analysis.indicators.lexicon import INDICATOR_COLUMNS
from analysis.indicators.resources import read_categories, read_programmes

__all__ = ["INDICATOR_COLUMNS", "assign_indicators", "extract_indicators", "extract_quantities",
           "pivot_headlines", "pivot_indicators", "read_catalogue", "read_categories",
           "read_programmes", "select_headlines"]
