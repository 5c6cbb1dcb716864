"""The genre's quantity vocabulary: units, multipliers, qualifiers and the words that end a measure.

Chinese strings here are data: the units, qualifiers and function words that the rules in
:mod:`~analysis.indicators.quantities` and :mod:`~analysis.indicators.measures` look for."""

from __future__ import annotations

import re

from analysis import paths, schema

__all__ = ["CATEGORIES_FILE", "INDICATOR_COLUMNS", "PROGRAMMES_FILE"]

#: Columns of what :func:`~analysis.indicators.extract.extract_quantities` finds in one text, in order; the indicators
#: table (analysis.schema) puts doc_id, section_id, part and sent_id before them.
INDICATOR_COLUMNS: list[str] = schema.columns("indicators")[4:]
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
_CHINESE_FIRST = "一二两三四五六七八九十"
_CHINESE = rf"[{_CHINESE_FIRST}][零〇一二两三四五六七八九十百千万亿]*?"
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


def _starts_with(chars: str) -> str:
    # A lookahead for the characters a match can begin with. The patterns open with an
    # optional qualifier, which keeps Python's engine from skipping ahead: it tried every
    # alternative at every character. With the lookahead it jumps to the next possible first
    # character, finding the same matches three to seven times faster.
    return rf"(?=[{chars}])"


# Every match begins with a qualifier word or a number: an Arabic digit (any Unicode digit,
# as \d in _ARABIC) or the first word of _CHINESE.
_QUANTITY_FIRST = _starts_with(
    r"\d" + re.escape("".join(sorted({w[0] for w in _PRE_QUALIFIERS}))) + _CHINESE_FIRST)

_QUANTITY_RE = re.compile(
    _QUANTITY_FIRST
    + rf"(?P<pre>{_pre_pattern()})?"
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
    # A qualifier word or a denominator begins every match.
    _starts_with(re.escape("".join(sorted({w[0] for w in [*_PRE_QUALIFIERS, *_DENOMINATORS]}))))
    + rf"(?P<pre>{_pre_pattern()})?"
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


