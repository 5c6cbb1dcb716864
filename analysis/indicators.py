"""Quantitative indicators stated in report prose, as a long table.

Reports state their enforcement statistics in running text: 办理行政处罚案件814起、罚款150余万元;
培训1400余人次; 出庭应诉率达100%. This module finds every such quantity, parses its number and
unit, standardises the unit, names the thing counted (the *measure*) and maps it to a category, so
that the figures researchers used to copy by hand become one row each, traceable to the source by
character offsets.

The rules are deliberately explicit (see ``resources/README_indicators.md``):

* a quantity is a number (Arabic, with or without thousands separators and decimals, or Chinese
  numerals) followed by a unit from a fixed list (起, 件, 人次, 元 ...), optionally with a
  multiplier (万, 千, 亿), an approximation qualifier (余, 多, 近, 约, 以上 ...) or a range;
  percentages (96.2%, 百分之九十) and fractions (十万分之六) are quantities in ``%``;
* years, dates, plan periods, list markers, ordinals (第X), document numbers, numbers inside
  quotation marks or book titles (named programmes such as “721”工作法), and the named programmes
  listed in ``resources/indicator_programmes.txt`` are not quantities;
* the number parsing for Chinese numerals, multipliers and 余/多 intervals is delegated to
  :func:`jionlp.parse_money`, whose interval rule for 余 we adopt for all units;
* the measure is the noun phrase before the number within its clause, stripped of time, scope
  and verb words, or the noun right after the unit (全系统500余名队员), or the measure of the
  quantity just before (186批次390人次);
* ``breakdown`` marks quantities that itemise a total stated just before them (其中, 包括, a colon
  or brackets), so that tables do not add a total and its parts. It is the one column beyond the
  issue's contract.

The rules were written while reading the five seeds, whose hand labels are the acceptance test;
their scores there are in-sample.
"""

from __future__ import annotations

import bisect
import contextlib
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from analysis import paths, schema

__all__ = [
    "CATEGORY_LABELS",
    "INDICATOR_COLUMNS",
    "extract_indicators",
    "load_categories",
    "load_indicators",
    "load_programmes",
    "pivot_indicators",
]

#: Columns of what :func:`extract_indicators` finds in one text, in order; the indicators
#: table (analysis.schema) puts doc_id, section_id, part and sent_id before them.
INDICATOR_COLUMNS: list[str] = schema.columns("indicators")[4:]

#: Chinese label of each category, for table headers and figure labels. Keys are exactly the
#: categories of ``resources/indicator_categories.tsv`` plus the fall-back ``other``.
CATEGORY_LABELS: dict[str, str] = {
    "enforcement_cases": "执法案件",
    "fines": "罚款",
    "inspections": "执法检查",
    "training": "培训学法",
    "legal_publicity": "普法宣传",
    "complaints_petitions": "投诉信访",
    "reconsideration": "行政复议",
    "litigation": "行政诉讼",
    "court_appearance": "出庭应诉",
    "legal_review": "法制审核",
    "rates": "比率",
    "other": "其他",
}

CATEGORIES_FILE = paths.RESOURCES / "indicator_categories.tsv"
PROGRAMMES_FILE = paths.RESOURCES / "indicator_programmes.txt"

# ---------------------------------------------------------------------------------------------
# Lexical material. Chinese strings are data: units, qualifiers and function words of the genre.
# ---------------------------------------------------------------------------------------------

# Unit -> characters that must NOT follow it, because unit + that character is another word
# (项目, 条例, 场所, 期限, 名额, 人民, 处罚 ...). Longer units are tried first.
_UNIT_SPECS: dict[str, str] = {
    "微克/立方米": "",
    "毫克/立方米": "",
    "平方公里": "",
    "立方米": "",
    "公顷": "",
    "个百分点": "",
    "个工作日": "",
    "百分点": "",
    "工作日": "",
    "平方米": "",
    "件次": "",
    "人次": "",
    "家次": "",
    "个次": "",
    "场次": "",
    "批次": "",
    "个月": "",
    "小时": "",
    "公里": "",
    "起": "",
    "件": "事",
    "宗": "",
    "个": "体别",
    "家": "庭长属乡",
    "户": "外籍口型",
    "份": "额",
    "项": "目",
    "条": "例款件线",
    "处": "罚理置分长级室于",
    "辆": "",
    "台": "账阶",
    "套": "",
    "张": "",
    "册": "",
    "篇": "",
    "块": "",
    "幅": "",
    "座": "",
    "部": "门署分长委队级属",
    "所": "有属",
    "批": "准复评示",
    "位": "置于",
    "名": "义单称额",
    "人": "民大口才员身事",
    "次": "数要序日",
    "场": "所景地合",
    "期": "间限刊末望待满",
    "轮": "",
    "天": "然津下",
    "米": "",
    "吨": "",
    "亩": "",
    "元": "旦素",
    "%": "",
    "‰": "",
}

# Units that count occurrences of an activity (the verb is what is counted), as opposed to units
# that count things (the verb in front of the noun is dropped from the measure).
_ACTION_UNITS = frozenset(
    {"次", "人次", "场", "场次", "期", "批次", "轮", "天", "小时", "个工作日", "工作日", "个月"}
)
_RATE_UNITS = frozenset({"%", "‰", "个百分点", "百分点", ""})

# Standard unit where it differs from the unit as written.
_UNIT_STD = {"个百分点": "百分点"}

_MULTIPLIERS = {"万亿": 10**12, "亿": 10**8, "万": 10**4, "千": 10**3}

# Qualifiers before the number: the kind of bound they give on the true value.
_PRE_QUALIFIERS = {
    "将近": "upper",
    "接近": "upper",
    "不到": "upper",
    "不足": "upper",
    "近": "upper",
    "超过": "lower",
    "不少于": "lower",
    "至少": "lower",
    "逾": "lower",
    "大约": "about",
    "约": "about",
}
_POST_QUALIFIERS = {
    "以上": "lower",
    "以下": "upper",
    "以内": "upper",
    "左右": "about",
    "上下": "about",
}

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
# Thousands are grouped with commas or, in some PDFs and DOCX, with a space (2 000余份).
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# A Chinese numeral starts with a digit word (not 百/千/万, which start idioms such as 千方百计);
# lazy, so that a trailing 万/千 can be read as the multiplier of the unit.
_CHINESE = r"[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*?"
_NUM = rf"(?:(?<![\d.]){_ARABIC}|(?<![{_CN_DIGITS}]){_CHINESE})"


def _alternation(options) -> str:
    return "|".join(re.escape(o) for o in sorted(options, key=lambda s: (-len(s), s)))


def _unit_pattern() -> str:
    parts = []
    for unit in sorted(_UNIT_SPECS, key=lambda s: (-len(s), s)):
        forbidden = _UNIT_SPECS[unit]
        parts.append(re.escape(unit) + (f"(?![{forbidden}])" if forbidden else ""))
    return "|".join(parts)


def _pre_pattern() -> str:
    # 附近/最近 and 达不到 contain a qualifier without qualifying a number.
    guards = {"近": "附最", "不到": "达"}
    parts = []
    for word in sorted(_PRE_QUALIFIERS, key=lambda s: (-len(s), s)):
        guard = guards.get(word, "")
        parts.append((f"(?<![{guard}])" if guard else "") + re.escape(word))
    return "|".join(parts)


_QUANTITY_RE = re.compile(
    rf"(?P<pre>{_pre_pattern()})?"
    rf"(?P<num>{_NUM})"
    rf"(?:\s?(?P<sep>[-~～—–至到])\s?(?P<num2>{_NUM}))?"
    r"(?P<q1>余|多)?"
    rf"(?P<mult>{_alternation(_MULTIPLIERS)})?"
    r"(?P<q2>余|多)?"
    r" ?"
    rf"(?P<unit>{_unit_pattern()})"
    rf"(?P<post>{_alternation(_POST_QUALIFIERS)})?"
)

_DENOMINATORS = {"百": 100, "千": 1000, "万": 10**4, "十万": 10**5, "百万": 10**6}


def _fraction(den: str, num: str) -> str:
    return rf"(?P<{den}>{_alternation(_DENOMINATORS)})分之(?P<{num}>{_ARABIC}|{_CHINESE[:-1]})"


_FRACTION_RE = re.compile(
    rf"(?P<pre>{_pre_pattern()})?"
    + _fraction("den", "num")
    + rf"(?:(?P<sep>[-~～—–至到]){_fraction('den2', 'num2')})?"
    + rf"(?P<post>{_alternation(_POST_QUALIFIERS)})?"
)
# Counts written without a unit after a measure ending in 数 (涉企数0, 罚款数0).
_BARE_COUNT_RE = re.compile(r"(?<=数)(?P<num>\d+(?:\.\d+)?)(?![\d.%])(?=[,。;:、)）\s]|$)")

# Characters that end a clause when looking for the measure before a number.
_HARD_STOPS = frozenset(",。;:!?()[]【】\n，；：！？（）")
# ... and after a number (here 、 continues a list of counted nouns).
_AFTER_STOPS = _HARD_STOPS | frozenset("“”‘’《》 ")
_QUOTE_CHARS = "“”‘’\"'"

# Words that end the noun phrase after a unit (264家网吧、...进行检查 -> 网吧、...).
_AFTER_CUTS = (
    "的",
    "了",
    "并",
    "且",
    "全部",
    "均",
    "已",
    "都",
    "进行",
    "作为",
    "予以",
    "作出",
    "赋权",
    "按时",
    "分别",
    "以来",
)
_AFTER_LEADING = ("正在", "正", "已", "均", "共")
# An after-phrase opening with these belongs to the next clause (93辆并移送..., 6项和下放...).
_AFTER_EMPTY = ("并", "和", "及", "与", "或", "的", "了", "后", "且", "进行", "作为")
_TRAILING_SINGLE = "分在对为向被将共和及与各暨"

_TRAILING_CONNECTORS = (
    "持续达到",
    "保持在",
    "保持",
    "持续",
    "共计",
    "累计",
    "总计",
    "合计",
    "共有",
    "达到",
    "增加到",
    "增至",
    "分别为",
    "分别",
    "达",
    "为",
    "共",
    "计",
    "的",
    "是",
    "有",
)
# Scope, time and adverb prefixes that are never part of the measure.
_LEADING_PATTERNS = [
    re.compile(p)
    for p in (
        r"^\d{4}年(?:底|度|初|末|以来|上半年|下半年)?",
        r"^\d{1,2}月(?:份|底|以来)?",
        r"^(?:截至|截止)(?:目前|年底|今年)?",
        r"^(?:今年以来|近年来|一年来|今年|全年|年内|年初|年底|一年|前期|目前|此外|另外|同时)",
        r"^(?:全系统|全市|全区|全县|全省|全街|全局|全镇|全委|本系统)",
        r"^(?:我局|我街|我市|我区|我县|我委|我办|我单位|本局|本单位)",
        r"^各(?:类|项|种|级|平台|部门|单位)",
        r"^(?:其中|包括|共计|累计|总计|合计|共有|现有|已经|先后|全部|依法|重新|分批次|分批)",
        r"^(?:及时|积极|继续|全面|有效|切实|分别|进一步)(?=.)",
        r"^现(?=持|在)",
        r"^[共并还另均再又和及与分暨]",
        r"^以及",
    )
]
# Prepositions that open a phrase whose verb, not its object, starts the measure
# (对辖区开展集中整治 -> 开展集中整治 -> 集中整治).
_PREPOSITIONS = ("对照", "按照", "通过", "根据", "依托", "借助", "对", "向", "为", "在", "从", "按")
# Verbs that carry no information about what is counted: always dropped at the start.
_LIGHT_VERBS = (
    "组织开展",
    "组织召开",
    "组织",
    "开展",
    "进行",
    "办理",
    "受理",
    "完成",
    "实施",
    "出具",
    "制作",
    "提供",
    "出动",
    "举办",
    "举行",
    "召开",
    "参与",
    "接待",
    "收到",
    "承接",
    "共有",
    "实现",
)
# Verbs dropped only before a noun counted by a thing-classifier (检查餐饮服务企业2619家 ->
# 餐饮服务企业); with an action classifier the verb is the thing counted (检查...4570余次).
_CONTENT_VERBS = (
    "登记保存",
    "核查确认",
    "主动公开",
    "梳理",
    "形成",
    "检查",
    "查处",
    "清理",
    "规范",
    "拆除",
    "排查",
    "抽查",
    "督促",
    "安置",
    "设立",
    "聘请",
    "发放",
    "悬挂",
    "答复",
    "公开",
    "新增",
    "下放",
    "更新",
    "细化",
    "划转",
    "制定",
    "印发",
    "起草",
    "修改",
    "审核",
    "发送",
    "减去",
    "完善",
    "公布",
    "公示",
    "收录",
)
_DETERMINERS = ("各类", "各项", "各种")
# 共 starts these words, so it must not be read as "in total" there.
_GONG_WORDS = ("共享", "共同", "共建", "共治", "共识", "共性", "共青", "共产", "公共", "总共")
_TOTAL_MARKERS = ("共计", "累计", "总计", "合计", "共")


# ---------------------------------------------------------------------------------------------
# Resources
# ---------------------------------------------------------------------------------------------


@cache
def _categories_cached() -> pd.DataFrame:
    table = pd.read_csv(CATEGORIES_FILE, sep="\t", comment="#", dtype=str, keep_default_na=False)
    expected = ["category", "field", "pattern", "note"]
    if list(table.columns) != expected:
        raise ValueError(
            f"{CATEGORIES_FILE.name} must have the columns {expected}, found {list(table.columns)}"
        )
    bad = sorted(set(table["field"]) - {"context", "unit_std"})
    if bad:
        raise ValueError(f"{CATEGORIES_FILE.name}: unknown field value(s) {bad}")
    for pattern in table["pattern"]:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{CATEGORIES_FILE.name}: bad regular expression {pattern!r}") from exc
    return table


def load_categories() -> pd.DataFrame:
    """Read the measure-to-category mapping used by :func:`extract_indicators`.

    Returns
    -------
    pandas.DataFrame
        The ``indicator_categories`` table, one row per rule, in the order the rules are tried
        (the first matching rule wins): ``category`` (str), ``field`` (``context``: the regular
        expression is searched in the measure and the verb phrase before it; ``unit_std``: it must
        match the whole standard unit), ``pattern`` (regular expression), ``note`` (str).
    """
    return _categories_cached().copy()


@cache
def _programmes_cached() -> tuple[str, ...]:
    names = []
    for raw in PROGRAMMES_FILE.read_text(encoding="utf-8").splitlines():
        name = raw.split("#", 1)[0].strip()
        if name:
            names.append(name)
    return tuple(sorted(set(names), key=lambda s: (-len(s), s)))


def load_programmes() -> list[str]:
    """Read the named programmes whose numerals are not quantities (三项制度, 四个意识 ...).

    Returns
    -------
    list of str
        Programme names from ``resources/indicator_programmes.txt``, longest first.
    """
    return list(_programmes_cached())


# ---------------------------------------------------------------------------------------------
# Number parsing (jionlp)
# ---------------------------------------------------------------------------------------------


@cache
def _money_parser() -> Callable[[str], dict]:
    # jionlp prints a banner to stdout on import, which would end up in notebook outputs that
    # nbval compares; import it lazily and swallow the banner.
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        import jionlp
    return jionlp.parse_money


def _parse_core(core: str) -> tuple[float, float | None]:
    """Parse a number core (number, optional 余/多, optional multiplier) into (low, high).

    jionlp only parses amounts of money, so the unit is replaced by 元; the numeric grammar
    (Chinese numerals, 万/千/亿, 余/多 intervals, ranges) is the same for any unit.
    """
    parsed = _money_parser()(core + "元")
    num = parsed["num"]
    if isinstance(num, list):
        low = float(num[0])
        high = float(num[1]) if num[1] is not None else None
        return low, high
    return float(num), None


def _next_unit(value: float) -> float:
    """Upper end of "N余": N plus one unit of its last significant digit (150 -> 160).

    This is jionlp's rule (150余万 -> 1,500,000 to 1,600,000); we apply it ourselves where jionlp
    gives no upper end (9余, 5多).
    """
    if value <= 0:
        return value + 1
    digits = f"{value:.6f}".rstrip("0").rstrip(".")
    integer, _, fraction = digits.partition(".")
    if fraction:
        return value + 10 ** -len(fraction)
    exponent = len(integer) - len(integer.rstrip("0"))
    return value + 10**exponent


def _plain_value(number: str) -> float:
    if re.fullmatch(_ARABIC, number):
        return float(number.replace(",", "").replace(" ", ""))
    low, _ = _parse_core(number)
    return low


# ---------------------------------------------------------------------------------------------
# Candidate quantities
# ---------------------------------------------------------------------------------------------


@dataclass
class _Quantity:
    start: int
    end: int
    value: float
    unit: str
    value_std: float
    unit_std: str
    approx: bool
    low: float
    high: float
    kind: str  # "quantity", "fraction" or "bare"
    measure: str = ""
    context: str = ""
    consumed_until: int = -1
    breakdown: bool = False


def _bounded_spans(text: str, opening: str, closing: str, limit: int) -> list[tuple[int, int]]:
    """Spans [open, close] of short bracketed stretches such as “…” or 《…》 on one line."""
    spans = []
    position = 0
    while (start := text.find(opening, position)) >= 0:
        stop = text.find(closing, start + 1, start + 1 + limit)
        # Test stop first: text[start + 1 : -1] would copy the rest of the text each time.
        if stop == -1 or "\n" in (inner := text[start + 1 : stop]) or (
                opening != closing and opening in inner):
            # Unbalanced or too long: not a quotation, try from the next character.
            position = start + 1
            continue
        spans.append((start, stop + 1))
        # For symmetric marks such as '"' the closing mark must not open the next stretch.
        position = stop + 1 if opening == closing else start + 1
    return spans


class _Spans:
    """Spans ``[start, stop)`` of a text, asked whether they cover a position.

    A report can hold thousands of quotations and numbers; testing each number against every
    span made extraction quadratic in the report's length (a 4 MB file took minutes). The
    spans are sorted once, with the running maximum of their stops, so each question is a
    binary search.
    """

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.reach: list[int] = []
        for _, stop in ordered:
            self.reach.append(max(stop, self.reach[-1]) if self.reach else stop)

    def covers(self, position: int, *, closed: bool = False) -> bool:
        """Whether some span has ``start < position < stop`` (``start <= position`` if closed)."""
        k = (bisect.bisect_right if closed else bisect.bisect_left)(self.starts, position)
        return k > 0 and self.reach[k - 1] > position


class _Lines:
    """Where the line around a position starts and ends, by binary search.

    ``str.find("\\n")`` from every quantity rescans a long line once per quantity, which is
    quadratic on a file that is one huge line.
    """

    def __init__(self, text: str) -> None:
        self.breaks = [m.start() for m in re.finditer("\n", text)]
        self.length = len(text)

    def start(self, position: int) -> int:
        """Offset of the first character of the line holding ``position``."""
        k = bisect.bisect_left(self.breaks, position)
        return self.breaks[k - 1] + 1 if k else 0

    def end(self, position: int) -> int:
        """Offset of the line break at or after ``position`` (the text's length if none)."""
        k = bisect.bisect_left(self.breaks, position)
        return self.breaks[k] if k < len(self.breaks) else self.length


def _inside(position: int, spans: _Spans) -> bool:
    return spans.covers(position)


def _interval(
    qualifier: str | None, std: float, high_q: float | None, ranged: bool
) -> tuple[bool, float, float]:
    """Approximation flag and bounds (in standard units) for one quantity."""
    nan = math.nan
    if ranged:
        return True, std, high_q if high_q is not None else nan
    if qualifier == "interval":
        return True, std, high_q if high_q is not None else _next_unit(std)
    if qualifier == "upper":
        return True, nan, std
    if qualifier == "lower":
        return True, std, nan
    if qualifier == "about":
        return True, nan, nan
    return False, std, std


def _qualifier(pre: str | None, post: str | None, interval: bool) -> str | None:
    if interval:
        return "interval"
    if pre:
        return _PRE_QUALIFIERS[pre]
    if post:
        return _POST_QUALIFIERS[post]
    return None


def _reject_reason(text: str, match: re.Match, number: str, quotes, titles, brackets) -> str:
    """Why a candidate is not an indicator, or "" if it is one."""
    num_start = match.start("num")
    if num_start > 0 and text[num_start - 1] == "第":
        return "ordinal"
    if _inside(num_start, titles):
        return "inside_title"
    if _inside(num_start, quotes):
        return "inside_quotes"
    if _inside(num_start, brackets):
        return "document_number"
    if re.fullmatch(r"1\d{10}", number):
        return "phone_number"
    if num_start >= 2 and text[num_start - 1] in ":-/" and text[num_start - 2].isdigit():
        return "time_date_or_phone"
    is_chinese = number[0] in _CN_DIGITS
    if is_chinese:
        if number == "一" and not match.groupdict().get("mult"):
            # 一 + classifier is the indefinite article far more often than a count of one.
            return "article"
        after = text[match.end() : match.end() + 1]
        if after and (after.isdigit() or after in _CN_DIGITS):
            # 三个100%: the classifier counts the quantities that follow.
            return "counts_quantities"
    for name in _programmes_cached():
        if text.startswith(name, match.start("num")):
            return "programme"
    return ""


def _candidates(text: str) -> list[_Quantity]:
    """All quantities in ``text``, in text order, with numbers parsed but no measure yet."""
    quotes = _Spans(_bounded_spans(text, "“", "”", 40) + _bounded_spans(text, '"', '"', 40))
    titles = _Spans(_bounded_spans(text, "《", "》", 120) + _bounded_spans(text, "〈", "〉", 120))
    brackets = _Spans(_bounded_spans(text, "〔", "〕", 8) + _bounded_spans(text, "[", "]", 8))
    found: list[_Quantity] = []

    for match in _FRACTION_RE.finditer(text):
        if _reject_reason(text, match, match.group("num"), quotes, titles, brackets):
            continue
        den = _DENOMINATORS[match.group("den")]
        value = _plain_value(match.group("num"))
        std = value * 100 / den
        unit = "%" if den == 100 else f"{match.group('den')}分之"
        ranged = match.group("num2") is not None
        high_q = None
        if ranged:
            high_q = _plain_value(match.group("num2")) * 100 / _DENOMINATORS[match.group("den2")]
        qualifier = _qualifier(match.group("pre"), match.group("post"), False)
        approx, low, high = _interval(qualifier, std, high_q, ranged)
        found.append(
            _Quantity(
                match.start(), match.end(), value, unit, std, "%", approx, low, high, "fraction"
            )
        )

    # Fractions do not overlap one another, so their starts and ends are both sorted.
    taken_starts, taken_ends = [q.start for q in found], [q.end for q in found]
    for match in _QUANTITY_RE.finditer(text):
        k = bisect.bisect_left(taken_starts, match.end())
        if k > 0 and taken_ends[k - 1] > match.start():
            continue
        number = match.group("num")
        if _reject_reason(text, match, number, quotes, titles, brackets):
            continue
        mult = match.group("mult") or ""
        interval = bool(match.group("q1") or match.group("q2"))
        ranged = match.group("num2") is not None
        unit_base = match.group("unit")
        if number[0] in _CN_DIGITS and mult == "千" and not ranged and not match.group("q1"):
            # 两千余家: in a Chinese numeral 千 is a digit position, not a unit multiplier.
            number, mult = number + mult, ""
        value = _plain_value(number)
        if mult or interval or ranged or number[0] in _CN_DIGITS:
            core_end = max(match.end(g) for g in ("num", "num2", "q1", "mult", "q2") if match.group(g))
            core = re.sub(r"[\s,]", "", text[match.start("num") : core_end])
            try:
                std, high_q = _parse_core(core)
            except (ValueError, TypeError, KeyError, IndexError):
                # jionlp rejects a few odd cores (leading zeros such as 000余); such a number
                # is not read rather than read wrong.
                continue
        else:
            std, high_q = value, None
        qualifier = _qualifier(match.group("pre"), match.group("post"), interval)
        approx, low, high = _interval(qualifier, std, high_q, ranged)
        found.append(
            _Quantity(
                match.start(), match.end(), value, mult + unit_base, std,
                _UNIT_STD.get(unit_base, unit_base), approx, low, high, "quantity",
            )
        )
        # Taken spans stay disjoint, so one insertion point keeps starts and ends sorted.
        k = bisect.bisect_left(taken_starts, match.start())
        taken_starts.insert(k, match.start())
        taken_ends.insert(k, match.end())

    for match in _BARE_COUNT_RE.finditer(text):
        k = bisect.bisect_left(taken_starts, match.end())
        if k > 0 and taken_ends[k - 1] > match.start():
            continue
        value = float(match.group("num"))
        found.append(
            _Quantity(
                match.start(), match.end(), value, "", value, "", False, value, value, "bare"
            )
        )
    found.sort(key=lambda q: (q.start, q.end))
    return found


# ---------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------


def _strip_prefixes(phrase: str, words: tuple[str, ...]) -> str:
    changed = True
    while changed and phrase:
        changed = False
        for word in words:
            if phrase.startswith(word) and len(phrase) > len(word):
                phrase = phrase[len(word) :].lstrip("、 ")
                changed = True
                break
    return phrase


def _strip_scope(phrase: str) -> str:
    changed = True
    while changed and phrase:
        changed = False
        for pattern in _LEADING_PATTERNS:
            match = pattern.match(phrase)
            if match and match.end() > 0:
                phrase = phrase[match.end() :].lstrip("、 ")
                changed = True
                break
    return phrase


def _cut_total(phrase: str) -> str:
    """Drop the subject before 共/累计 (街处级领导共接访下访 -> 接访下访)."""
    best = -1
    marker = ""
    for word in _TOTAL_MARKERS:
        for match in re.finditer(re.escape(word), phrase):
            i = match.start()
            if word == "共" and any(
                phrase.startswith(w, i) or phrase.startswith(w, i - 1) for w in _GONG_WORDS
            ):
                continue
            if i > best:
                best, marker = i, word
    if best < 0:
        return phrase
    subject, rest = phrase[:best], phrase[best + len(marker) :]
    if not _strip_prefixes(rest, _LIGHT_VERBS) or rest in _LIGHT_VERBS:
        # 活动共开展171次: nothing but a light verb after 共, so the subject is the measure.
        return subject or rest
    return rest


def _cut_preposition(phrase: str) -> str:
    for prep in _PREPOSITIONS:
        if phrase.startswith(prep):
            verbs = _LIGHT_VERBS + _CONTENT_VERBS + ("学习",)
            hits = [phrase.find(v, len(prep)) for v in verbs]
            hits = [h for h in hits if h > 0]
            if hits:
                return phrase[min(hits) :]
            return phrase[len(prep) :]
    return phrase


def _cut_at_last_verb(phrase: str, verbs: tuple[str, ...]) -> str:
    """Drop a subject before the last light verb (顾问律师出具法律意见书 -> 出具法律意见书)."""
    best = -1
    for verb in verbs:
        i = phrase.rfind(verb)
        after = phrase[i + len(verb) : i + len(verb) + 1]
        # 信访接待、矛盾调处: a verb closing a list item is used as a noun; do not cut there.
        if i > 0 and after != "、" and len(phrase) - i - len(verb) >= 2 and i > best:
            best = i
    return phrase[best:] if best > 0 else phrase


def _clean_before(raw: str, unit_std: str) -> tuple[str, str]:
    """Measure and category context from the clause before a number."""
    phrase = raw
    for char in _QUOTE_CHARS:
        phrase = phrase.replace(char, "")
    phrase = phrase.strip()
    rate = unit_std in _RATE_UNITS
    ends_with_de = phrase.endswith("的")
    changed = True
    while changed and phrase:
        changed = False
        for word in _TRAILING_CONNECTORS:
            if phrase.endswith(word) and len(phrase) >= len(word):
                phrase = phrase[: -len(word)].rstrip()
                changed = True
                break
    # 三个100%: the numeral counts the rates that follow, it is not part of the measure.
    phrase = re.sub(r"[一二两三四五六七八九十]+个$", "", phrase)
    context = phrase
    if rate and ends_with_de:
        # 案件数量达到年度案件总数的16%: the measure is the numerator, before 达到/占.
        for word in ("达到", "占"):
            if word in phrase:
                phrase = phrase.split(word, 1)[0]
                break
    phrase = _cut_total(phrase)
    for marker in ("等形式", "等方式", "的形式", "的方式"):
        head, found, tail = phrase.rpartition(marker)
        if found and tail:
            phrase = tail
    thing = not rate and unit_std not in _ACTION_UNITS
    verbs = _LIGHT_VERBS + _CONTENT_VERBS if thing else _LIGHT_VERBS
    if not rate:
        phrase = _cut_at_last_verb(phrase, _LIGHT_VERBS)
    keep = 2 if rate else 1
    previous = None
    while phrase != previous:
        previous = phrase
        phrase = _strip_scope(phrase)
        phrase = _cut_preposition(phrase)
        stripped = _strip_prefixes(phrase, verbs).lstrip("了")
        if len(stripped) >= keep:
            phrase = stripped
    if not rate:
        for word in _DETERMINERS:
            head, found, tail = phrase.rpartition(word)
            if found and tail:
                phrase = tail
    return phrase.strip(" 、"), context.strip(" 、")


def _after_phrase(text: str, start: int, limit: int) -> tuple[str, int, bool]:
    """Noun phrase right after a unit; its end offset; whether a stop (not the limit) ended it."""
    i = start
    if i < limit and text[i] == " ":
        i += 1
    j = i
    while j < limit and text[j] not in _AFTER_STOPS:
        j += 1
    by_stop = j < limit
    phrase = text[i:j]
    if phrase.startswith(("、", *_AFTER_EMPTY)):
        return "", start, True
    if phrase.startswith(("对", "向")):
        # 分七期对机关全体党员干部进行集中脱产培训: the activity after the verb is counted.
        hits = [(phrase.find(v), v) for v in ("进行", "开展", "组织") if phrase.find(v) > 1]
        if not hits:
            return "", start, True
        k, verb = min(hits)
        i += k + len(verb)
        phrase = phrase[k + len(verb) :]
    if phrase in _LIGHT_VERBS and text[j : j + 1] == "“":
        # 分3批次开展“强基础、转作风”军训大练兵活动: read on past the quoted slogan.
        close = text.find("”", j, limit)
        if close > 0:
            rest, end, by_stop = _after_phrase(text, close + 1, limit)
            return rest, end, by_stop
    for word in _AFTER_LEADING:
        if phrase.startswith(word):
            phrase = phrase[len(word) :]
            i += len(word)
            break
    cut = len(phrase)
    for word in _AFTER_CUTS:
        k = phrase.find(word, 1)
        if 0 < k < cut:
            cut = k
            by_stop = True
    phrase = phrase[:cut]
    while phrase and phrase[-1] in _TRAILING_SINGLE:
        phrase = phrase[:-1]
    phrase = phrase.rstrip("、")
    if len(phrase) < 2:
        return "", start, True
    return phrase, i + len(phrase), by_stop


def _clause_start(text: str, start: int, floor: int, quantity_ends: set[int]) -> int:
    """Start of the clause that ends at ``start``, looking no further back than ``floor``."""
    i = start - 1
    while i >= floor:
        char = text[i]
        if char in _HARD_STOPS:
            return i + 1
        if char == "、" and (i in quantity_ends or i - 1 in quantity_ends):
            # 、 separating two quantities (814起、罚款150余万元), not a list of nouns.
            return i + 1
        i -= 1
    return floor


def _assign_measures(text: str, quantities: list[_Quantity]) -> None:
    ends = {q.end for q in quantities}
    lines = _Lines(text)
    previous: _Quantity | None = None
    for index, quantity in enumerate(quantities):
        line_start = lines.start(quantity.start)
        floor = line_start
        if previous is not None and previous.end > line_start:
            floor = max(floor, previous.consumed_until)
        if quantity.kind == "bare":
            begin = _clause_start(text, quantity.start, floor, ends)
            phrase = text[begin : quantity.start].strip()
            quantity.measure = phrase
            quantity.context = phrase
            quantity.consumed_until = quantity.end
            previous = quantity
            continue
        begin = _clause_start(text, quantity.start, floor, ends)
        raw_before = text[begin : quantity.start]
        before, context = _clean_before(raw_before, quantity.unit_std)
        next_start = quantities[index + 1].start if index + 1 < len(quantities) else len(text)
        limit = min(next_start, lines.end(quantity.end))
        after, after_end, after_by_stop = ("", quantity.end, True)
        if quantity.unit_std not in _RATE_UNITS:
            after, after_end, after_by_stop = _after_phrase(text, quantity.end, limit)
        adjacent = (
            previous is not None
            and previous.end > line_start
            and not text[previous.consumed_until : quantity.start].strip()
        )
        thing_unit = quantity.unit_std not in _ACTION_UNITS
        # 先后召开6次部党组会: a verb right before the number, so the measure follows it.
        verb_before = raw_before.rstrip().endswith(_LIGHT_VERBS)
        measure, used_after = "", False
        if after and (verb_before or (thing_unit and after_by_stop)):
            measure, used_after = after, True
        elif before:
            measure = before
        elif adjacent and previous is not None:
            # 186批次390人次, 13次46起: a second unit for the same measure.
            measure = previous.measure
            context = previous.context
        elif after:
            measure, used_after = after, True
        quantity.measure = measure
        quantity.context = (context + " " + measure).strip() if used_after else context
        quantity.consumed_until = after_end if used_after else quantity.end
        previous = quantity


# ---------------------------------------------------------------------------------------------
# Categories and breakdowns
# ---------------------------------------------------------------------------------------------


@cache
def _category_rules() -> tuple[tuple[str, bool, re.Pattern[str]], ...]:
    # Compiled once: categorising runs for every quantity of every report.
    return tuple((row.category, row.field == "unit_std", re.compile(row.pattern))
                 for row in _categories_cached().itertuples(index=False))


def _categorise(context: str, measure: str, unit_std: str) -> str:
    haystack = f"{context} {measure}"
    for category, on_unit, pattern in _category_rules():
        if on_unit:
            if pattern.fullmatch(unit_std):
                return category
        elif pattern.search(haystack):
            return category
    return "other"


_OPENER = re.compile(r" ?([(（:：])")
_CLOSE_BRACKET = re.compile(r"[)）]")
_CLOSE_SENTENCE = re.compile("。")


def _mark_breakdowns(text: str, quantities: list[_Quantity]) -> None:
    """Flag quantities that itemise a total stated just before (其中, 包括, a colon or brackets).

    Summing them with the total would count the same cases twice.
    """
    scopes: list[tuple[int, int]] = []
    lines = _Lines(text)
    for quantity in quantities:
        line_end = lines.end(quantity.end)
        # Matching in place (no slice of the rest of the line) keeps this linear on a file
        # that is one huge line.
        opener = _OPENER.match(text, quantity.end, line_end)
        if opener:
            begin = opener.end()
            closer = _CLOSE_BRACKET if opener.group(1) in "(（" else _CLOSE_SENTENCE
            stop = closer.search(text, begin, line_end)
            scopes.append((begin, stop.start() if stop else line_end))
    starts = sorted(q.start for q in quantities)
    for match in re.finditer("其中|包括", text):
        line_start = lines.start(match.start())
        # Is a quantity stated on this line before 其中/包括?
        k = bisect.bisect_left(starts, line_start)
        if k == len(starts) or starts[k] >= match.start():
            continue
        line_end = lines.end(match.end())
        stop = text.find("。", match.end(), line_end)
        scopes.append((match.end(), line_end if stop < 0 else stop))
    in_scope = _Spans(scopes)
    for quantity in quantities:
        quantity.breakdown = in_scope.covers(quantity.start, closed=True)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


_DTYPES = {name: schema.TABLES["indicators"][name] for name in INDICATOR_COLUMNS}


def _empty_indicators() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in _DTYPES.items()})


def extract_indicators(text: str) -> pd.DataFrame:
    """Extract the quantities stated in one normalized report text.

    Parameters
    ----------
    text : str
        Normalized report text (``reports.text``: half-width ASCII, paragraphs joined by "\\n").

    Returns
    -------
    pandas.DataFrame
        The ``indicators`` table of one text, one row per quantity, sorted by ``start``:
        ``measure`` (str, the thing counted as written, "" if none was found), ``category``
        (str, from ``resources/indicator_categories.tsv``), ``value`` (float, the number as
        written), ``unit`` (str, as written with its multiplier: 万元, 人次, %, 十万分之; "" for a
        bare count such as 涉企数0), ``value_std`` (float, in ``unit_std``: 150余万元 ->
        1500000.0), ``unit_std`` (str: 元 for money, the unit without 万/千/亿 otherwise, % for
        percentages and fractions), ``approx`` (bool, a qualifier such as 余 or 近, or a range),
        ``low`` and ``high`` (float, bounds on the true value in ``unit_std``, NaN where
        unbounded; both equal ``value_std`` for an exact figure), ``span`` (str, the source
        text), ``start`` and ``end`` (int, offsets with ``text[start:end] == span``),
        ``breakdown`` (bool, the quantity itemises a total stated just before it).

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"extract_indicators expects one report text (str), got {type(text)!r}")
    rows = _extract_rows(text)
    if not rows:
        return _empty_indicators()
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS).astype(_DTYPES)


def _extract_rows(text: str) -> list[dict]:
    quantities = _candidates(text)
    if not quantities:
        return []
    _assign_measures(text, quantities)
    _mark_breakdowns(text, quantities)
    return [
        {
            "measure": q.measure,
            "category": _categorise(q.context, q.measure, q.unit_std),
            "value": q.value,
            "unit": q.unit,
            "value_std": q.value_std,
            "unit_std": q.unit_std,
            "approx": q.approx,
            "low": q.low,
            "high": q.high,
            "span": text[q.start : q.end],
            "start": q.start,
            "end": q.end,
            "breakdown": q.breakdown,
        }
        for q in quantities
    ]


def _require(frame: pd.DataFrame, name: str, columns: list[str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame)!r}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the column(s) {missing} needed to locate indicators")


def load_indicators(
    reports: pd.DataFrame,
    *,
    sentences: pd.DataFrame | None = None,
    sections: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Extract the indicators of every report and locate each in its sentence and section.

    Parameters
    ----------
    reports : pandas.DataFrame
        The ``reports`` table; needs ``doc_id`` and ``text``.
    sentences : pandas.DataFrame, optional
        The ``sentences`` table (``doc_id, section_id, sent_id, start, end``). Each indicator is
        placed in the sentence whose ``[start, end)`` contains its ``start``. Without it,
        ``section_id`` and ``sent_id`` are missing.
    sections : pandas.DataFrame, optional
        The ``sections`` table (``doc_id, section_id, part``), used for ``part``.

    Returns
    -------
    pandas.DataFrame
        The ``indicators`` table, one row per quantity, sorted by ``doc_id`` and ``start``:
        ``doc_id`` (str), ``section_id`` (str or NA), ``part`` (str or NA), ``sent_id`` (Int64)
        followed by the columns of :func:`extract_indicators`: ``measure, category, value,
        unit, value_std, unit_std, approx, low, high, span, start, end, breakdown``; offsets
        refer to ``reports.text``.

    Raises
    ------
    ValueError
        If a table lacks a needed column or ``doc_id`` repeats in ``reports``.

    Examples
    --------
    >>> corpus.reports.pipe(load_indicators, sentences=corpus.sentences,
    ...                     sections=corpus.sections)  # doctest: +SKIP
    """
    _require(reports, "reports", ["doc_id", "text"])
    if reports["doc_id"].duplicated().any():
        dupes = sorted(reports.loc[reports["doc_id"].duplicated(), "doc_id"].astype(str))
        raise ValueError(f"reports has repeated doc_id values: {dupes[:5]}")
    if sentences is not None:
        _require(sentences, "sentences", ["doc_id", "section_id", "sent_id", "start", "end"])
    if sections is not None:
        _require(sections, "sections", ["doc_id", "section_id", "part"])

    rows = []
    for doc_id, text in sorted(zip(reports["doc_id"].astype(str), reports["text"], strict=True)):
        if not isinstance(text, str):
            raise ValueError(f"report {doc_id!r} has no text")
        rows += [{"doc_id": doc_id, **row} for row in _extract_rows(text)]
    if rows:
        table = pd.DataFrame(rows, columns=["doc_id", *INDICATOR_COLUMNS]).astype(
            {"doc_id": "str", **_DTYPES})
    else:
        table = _empty_indicators()
        table.insert(0, "doc_id", pd.Series([], dtype="str"))

    section_ids = np.full(len(table), None, dtype=object)
    sent_ids = np.full(len(table), -1, dtype="int64")
    if sentences is not None and len(table):
        # Each indicator lies in the sentence whose [start, end) holds its start: one sorted
        # search per report instead of a lookup per row.
        ordered = sentences.assign(doc_id=sentences["doc_id"].astype(str)).sort_values(
            ["doc_id", "start"], kind="stable")
        doc_rows = table.groupby("doc_id", sort=False).indices
        for doc_id, group in ordered.groupby("doc_id", sort=False):
            where = doc_rows.get(doc_id)
            if where is None:
                continue
            starts = group["start"].to_numpy()
            ends = group["end"].to_numpy()
            spans = table["start"].to_numpy()[where]
            k = np.searchsorted(starts, spans, side="right") - 1
            inside = (k >= 0) & (spans < ends[np.clip(k, 0, None)])
            section_ids[where[inside]] = group["section_id"].astype(str).to_numpy()[k[inside]]
            sent_ids[where[inside]] = group["sent_id"].to_numpy()[k[inside]]
    table["section_id"] = pd.Series(section_ids, dtype=object).astype("str")
    table["sent_id"] = pd.array(np.where(sent_ids >= 0, sent_ids, 0), dtype="Int64")
    table.loc[sent_ids < 0, "sent_id"] = pd.NA
    table["part"] = pd.Series([pd.NA] * len(table), dtype="str")
    if sections is not None and len(table):
        parts = sections.assign(
            doc_id=sections["doc_id"].astype(str), section_id=sections["section_id"].astype(str)
        ).drop_duplicates(["doc_id", "section_id"])
        lookup = dict(
            zip(zip(parts["doc_id"], parts["section_id"], strict=True), parts["part"], strict=True)
        )
        table["part"] = pd.Series(
            [
                lookup.get((d, s), pd.NA) if not pd.isna(s) else pd.NA
                for d, s in zip(table["doc_id"], table["section_id"], strict=True)
            ],
            dtype="str",
        )
    return schema.conform(table.sort_values(["doc_id", "start"], kind="stable"), "indicators")


def pivot_indicators(
    indicators: pd.DataFrame,
    reports: pd.DataFrame,
    *,
    by: str = "agency_short",
    include_breakdown: bool = False,
    include_approx: bool = True,
) -> pd.DataFrame:
    """Compare reports side by side: one row per ``by`` value, one column per category and unit.

    Quantities are only added up when their standard unit agrees, so each column is one
    ``(category, unit_std)`` pair: fines in 元, enforcement cases in 起 and in 件 are separate
    columns, never summed together. Counts and amounts are summed; percentages (fractions are in
    % too) and percentage points are averaged, since a sum of rates means nothing. Itemised parts
    of a total (``breakdown``) are left out by default so that a total and its parts are not
    counted twice. Reports that share a ``by`` value are added together: to compare the reports
    of one agency over several years, pivot by ``doc_id`` or filter one year first.

    Parameters
    ----------
    indicators : pandas.DataFrame
        The ``indicators`` table from :func:`load_indicators`; it may already carry report
        columns (``add_report_columns``), and a ``by`` column there is replaced by ``reports``'.
    reports : pandas.DataFrame
        The ``reports`` table; needs ``doc_id`` and the ``by`` column.
    by : str, default "agency_short"
        Column of ``reports`` that names a row of the result.
    include_breakdown : bool, default False
        Also add up quantities that itemise a total.
    include_approx : bool, default True
        Keep approximate figures (their ``value_std``, the conservative lower figure for 余 and
        ranges). Set to False to compare exact figures only.

    Returns
    -------
    pandas.DataFrame
        Wide table indexed by ``by`` (sorted), with columns a MultiIndex ``(category,
        unit_std)`` sorted by category then unit, one for every pair present in ``indicators``
        (whatever the options); cells are sums of ``value_std`` (means for rates), NaN where
        nothing is stated in that category and unit.

    Raises
    ------
    ValueError
        If a needed column is missing.
    """
    _require(indicators, "indicators", ["doc_id", "category", "value_std", "unit_std"])
    _require(reports, "reports", ["doc_id", by])
    names = reports[["doc_id", by]].assign(doc_id=reports["doc_id"].astype(str))
    # The ``by`` column always comes from ``reports``: a copy already joined onto the indicators
    # (add_report_columns) would otherwise collide with it in the merge.
    merged = (
        indicators.drop(columns=[by], errors="ignore")
        .assign(doc_id=indicators["doc_id"].astype(str))
        .merge(names, on="doc_id", how="inner")
    )
    # The columns come from every indicator, before filtering, so that the options change the
    # cells but never the shape of the table.
    columns = pd.MultiIndex.from_tuples(
        sorted(set(zip(merged["category"], merged["unit_std"], strict=True))),
        names=["category", "unit_std"],
    )
    keep = merged
    if not include_breakdown and "breakdown" in keep.columns:
        keep = keep[~keep["breakdown"].astype(bool)]
    if not include_approx:
        _require(indicators, "indicators", ["approx"])
        keep = keep[~keep["approx"].astype(bool)]
    rates = keep["unit_std"].isin(["%", "‰", "百分点"])
    summed = keep[~rates].groupby([by, "category", "unit_std"], sort=True)["value_std"].sum()
    averaged = keep[rates].groupby([by, "category", "unit_std"], sort=True)["value_std"].mean()
    long = pd.concat([summed, averaged]).sort_index()
    everyone = pd.Index(sorted(names[by].dropna().unique()), name=by)
    if long.empty:
        return pd.DataFrame(index=everyone, columns=columns, dtype="float64")
    wide = long.unstack(["category", "unit_std"])
    return wide.reindex(index=everyone, columns=columns)
