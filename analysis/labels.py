"""Display labels: the Chinese names of the ids that tables hold, for figures and tables.

Tables keep short English ids (``measures``, ``business_environment``, ``county``) so that code
can test and join on them; a figure shows the Chinese name. Every label lives here, and the
plot functions pass tick labels, legend entries and facet titles through :func:`display`, so
no figure shows ``business_ environment`` or ``nan``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["CATEGORY_LABELS", "COLUMN_LABELS", "LEVEL_LABELS", "MISSING_LABEL", "PART_LABELS",
           "THEME_LABELS", "column_label", "display", "display_labels"]

PART_LABELS: dict[str, str] = {
    "preamble": "导语", "measures": "举措和成效", "shortcomings": "不足和原因",
    "leadership": "第一责任人履职", "plans": "下一年度安排", "other": "其他事项",
}
"""Statutory parts of a report (``sections.part``)."""

THEME_LABELS: dict[str, str] = {
    "political_guidance": "政治引领", "enforcement": "行政执法", "legal_publicity": "普法宣传",
    "decision_making": "依法决策", "supervision": "监督问责",
    "disputes_litigation": "复议诉讼与纠纷", "business_environment": "营商环境",
    "digital_governance": "数字政府", "workforce_training": "队伍建设",
}
"""Themes of ``resources/themes.tsv`` (``score_themes``' ``theme``)."""

LEVEL_LABELS: dict[str, str] = {
    "national": "中央", "province": "省级", "city": "地市级", "county": "县级",
    "district": "区县级", "street": "乡镇街道",
}
"""Administrative levels (``reports.admin_level``)."""

CATEGORY_LABELS: dict[str, str] = {
    "enforcement_cases": "执法案件", "fines": "罚款", "inspections": "执法检查",
    "training": "培训学法", "legal_publicity": "普法宣传", "complaints_petitions": "投诉信访",
    "reconsideration": "行政复议", "litigation": "行政诉讼", "court_appearance": "出庭应诉",
    "legal_review": "法制审核", "rates": "比率", "other": "其他",
}
"""Indicator categories (``indicators.category``): those of
``resources/indicator_categories.tsv`` plus the fall-back ``other``."""

COLUMN_LABELS: dict[str, str] = {
    "n": "次数", "rate_per_10k": "每万词频次", "share": "占比", "part": "报告部分",
    "admin_level": "行政层级", "theme": "主题", "category": "指标类别", "indicator": "指标",
    "year": "年份", "label": "报告", "agency": "机构", "agency_short": "机构",
    "province": "省份", "city": "城市", "unit_kind": "单位类型", "term": "词语",
    "log_odds": "对数优势比", "g2": "对数似然比 G²", "similarity": "相似度",
    "value_std": "数值", "n_chars": "字数", "tf_idf": "tf-idf",
    "days_late": "距4月1日期限天数", "timing": "公开时间",
}
"""Columns (``sections.part``, ``rate_per_10k``…): the default axis, legend and colour-bar
titles of the plot functions, which a ``xlabel``/``legend_title``/… argument replaces."""

MISSING_LABEL = "(未注明 not stated)"
"""What a figure shows for a missing value."""

# Ids are unique across the vocabularies except legal_publicity, which is a theme and an
# indicator category with the same Chinese name.
_ALL: dict[str, str] = {**CATEGORY_LABELS, **LEVEL_LABELS, **THEME_LABELS, **PART_LABELS}


def display(value: object, labels: Mapping[object, str] | None = None) -> str:
    """The text a figure shows for ``value``.

    ``labels`` (a user's mapping) wins; then the Chinese name of a known id; a missing value
    is :data:`MISSING_LABEL`; anything else is ``str(value)``.
    """
    if labels is not None and value in labels:
        return str(labels[value])
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING_LABEL
    if isinstance(value, str):
        return _ALL.get(value, value)
    return str(value)


def column_label(name: str) -> str:
    """The title a figure shows for column ``name``: its Chinese name, else the name itself."""
    return COLUMN_LABELS.get(name, name)


def display_labels(values, labels: Mapping[object, str] | None = None) -> list[str]:
    """:func:`display` of each of ``values``, in order.

    Returns
    -------
    list of str
        One display text per value.
    """
    return [display(v, labels) for v in values]
