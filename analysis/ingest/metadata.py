"""Infer a report's metadata from its text: title, agency, year covered, publication date, place.

Every inferred value comes with its source (title, page, body, signature, place lookup,
published) so a user can see how much to trust it; a value that cannot be inferred stays
NA and the reason says so. Nothing is guessed silently.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from analysis.ingest import places
from analysis.ingest.dates import (
    REPOST_TITLE,
    YEAR,
    cn_number,
    find_published,
    find_signed,
    is_signature_date,
    parse_date,
    repost_published,
    url_date,
)
from analysis.ingest.normalize import Page, is_doc_number
from analysis.paths import RESOURCES

__all__ = ["ADMIN_LEVELS", "UNIT_KINDS", "Agency", "Metadata", "addressee_level",
           "body_agencies", "expand_agency", "find_published", "find_signature", "find_signed",
           "find_ending", "find_title", "find_year", "infer_metadata", "is_signature_date",
           "load_abbreviations", "parse_date", "repost_published", "resolve_agency",
           "self_reference_agency", "shorten_agency", "split_party", "title_agency",
           "unit_kind", "url_date"]

ADMIN_LEVELS = ("national", "province", "city", "district", "street")

# --- agency names ------------------------------------------------------------------

_AGENCY_SUFFIX = (
    r"(?:人民政府|街道办事处|办事处|管理委员会|管委会|委员会|委|人民政府办公室|办公厅|办公室|局|厅|"
    r"部|署|院|中心|办|站|所|队|支队)"
)
_PLACE_TAIL = r"(?:省|市|区|县|旗|镇|乡|街道|自治州|自治县|新区)"


@lru_cache(maxsize=1)
def load_abbreviations() -> tuple[tuple[str, str, str], ...]:
    """Common short forms of agency names and their official forms (resources/agency_names.tsv).

    Returns
    -------
    tuple of (short, full, direction)
        Longest short form first, so 城管执法局 is tried before 城管局; ``direction`` is
        ``both`` or ``shorten`` (a short form that is also an official name is never expanded).
    """
    path = RESOURCES / "agency_names.tsv"
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["short"] and r["full"]]
    return tuple(sorted(((r["short"], r["full"], r["direction"]) for r in rows),
                        key=lambda t: -len(t[0])))


def expand_agency(name: str) -> str:
    """Expand a short agency suffix to its official form: 市人社局 -> 市人力资源和社会保障局."""
    for short, full, direction in load_abbreviations():
        if direction == "both" and name.endswith(short) and not name.endswith(full):
            return name[: -len(short)] + full
    return name


def shorten_agency(name: str) -> str:
    """The inverse of :func:`expand_agency`, for plot labels."""
    for short, full, _ in sorted(load_abbreviations(), key=lambda t: -len(t[1])):
        if name.endswith(full):
            return name[: -len(full)] + short
    return name


@dataclass
class Agency:
    """An agency name resolved against the gazetteer."""

    name: str
    place: places.Place | None
    level: str | None
    source: str


# Central bodies named without a place: 司法部, 国家税务总局, 海关总署, 国务院办公厅.
_NATIONAL = re.compile(
    r"^(?:国务院|国家|中国|中华人民共和国|最高人民)[\u4e00-\u9fff]{0,20}$|"
    r"^[\u4e00-\u9fff]{1,12}(?:部|总局|总署)$"
)


# A Party committee issuing a report jointly with its government or department:
# 中共宁乡市灰汤镇委员会 宁乡市灰汤镇人民政府关于…, 中共巴州区教育局委员会 巴州区教育局 关于…,
# 中共宁乡市委 宁乡市人民政府. 委 alone ends the committee only where 员会 does not follow.
_PARTY = re.compile(r"^中共(?P<party>[\u4e00-\u9fff]{2,24}?(?:工作委员会|委员会|党工委|党委|党组|"
                    r"工委|委(?!员)))\s*(?P<rest>[\u4e00-\u9fff].*)?$")

UNIT_KINDS = ("government", "department", "street_office", "township", "joint")


def split_party(raw: str) -> tuple[str | None, str]:
    """Split a joint issuer into its Party committee and the rest.

    Returns
    -------
    (str or None, str)
        ``("中共巴州区教育局委员会", "巴州区教育局")`` for a joint name, ``(None, raw)``
        otherwise; the rest is ``""`` when the committee issued alone.
    """
    m = _PARTY.match(re.sub(r"\s+", " ", raw.strip()))
    if not m:
        return None, raw
    return "中共" + m.group("party"), (m.group("rest") or "").strip()


def unit_kind(agency: str | None, *, joint: bool = False) -> str | None:
    """What kind of body ``agency`` is: a government (人民政府), a department, a street
    office, a township government, or ``joint`` (with its Party committee); None for NA."""
    if not agency:
        return None
    if joint:
        return "joint"
    if agency.endswith("办事处") and "街道" in agency:
        return "street_office"
    if re.search(r"(?:乡|镇|苏木)人民政府$", agency):
        return "township"
    if agency.endswith(("人民政府", "政府")):
        return "government"
    return "department"


def resolve_agency(
    raw: str, *, source: str, context: Counter[str], text: str = ""
) -> Agency | None:
    """Turn an agency string from a title, signature or sentence into an official name.

    A place-relative form (区城市管理局, 市人社局, 省教育厅) is completed from a fuller
    mention in the text (重庆市涪陵区城市管理局) or from the most mentioned unit of
    that level; a bare place (静海区, 留下街道) becomes its government (静海区人民政府).
    """
    party, rest_of_joint = split_party(raw)
    if party is not None:
        # The government or department of a joint report is the agency; a committee that
        # issued alone is not one (it is not a government body).
        if not rest_of_joint:
            return None
        raw = rest_of_joint
    raw = re.sub(r"\s+", "", raw).strip("“”\"'《》:,")
    raw = re.sub(r"^(?:中共|关于)", "", raw)
    if len(raw) < 2:
        return None
    place, used = places.parse_place_prefix(raw, context=context)
    rest = raw[used:]
    if place is None:
        relative = re.match(r"^(省|自治区|市|区|县|旗|镇|乡|街道)(?=[\u4e00-\u9fff])", raw)
        if relative:
            rest = raw[relative.end():]
            full = _find_full_form(rest, text, context=context)
            if full is not None:
                return full
            level = {"省": "province", "自治区": "province", "市": "city", "区": "county",
                     "县": "county", "旗": "county"}.get(relative.group(1))
            place = places.dominant(context, level) if level else None
            if place is None:
                return None
            if level == "county" and not place.name.endswith(relative.group(1)):
                return None
        elif _NATIONAL.match(expand_agency(raw)):
            return Agency(expand_agency(raw), None, "national", source)
        elif (town := _TOWNSHIP.fullmatch(raw)):
            # A township or street office whose name many counties share (城关镇, 新兴镇,
            # 大坪乡): the gazetteer cannot place it, but the page states who reports (its
            # title, signature, page field or opening subject: body candidates come only
            # from body_agencies). The name is kept, at its level; the place stays NA.
            office = "办事处" if town.group(1).endswith("街道") else "人民政府"
            return Agency(town.group(1) + office, None, "street", source)
        else:
            return None
    if not rest or rest in ("人民政府", "政府"):
        rest = "街道办事处" if place.level == "town" and place.name.endswith("街道") else "人民政府"
    elif place.level == "town" and place.name.endswith("街道") and rest == "办事处":
        rest = "街道办事处"
    name = place.canonical + expand_agency(rest)
    # 街道街道办事处 happens when the place already ends in 街道.
    name = name.replace("街道街道办事处", "街道办事处")
    return Agency(name, place, _admin_level(place, rest), source)


# A township or street office as a title, signature or page states it: a name of two or
# more characters before 乡/镇/街道, optionally with its office. Not a determiner (全乡, 各镇,
# 本街道) and not the generic 乡镇.
_TOWNSHIP = re.compile(r"((?![全各本我该每此])[\u4e00-\u9fff]{2,8}?(?<!乡镇)(?:乡|镇|街道))"
                       r"(?:人民政府|政府|办事处|街道办事处)?")


# The line a report is addressed to: 市委、市政府:, 区委、区人民政府:, 国务院:, 省人民政府:.
_ADDRESSED = re.compile(r"^(?:中共)?(?:[\u4e00-\u9fff]{0,12}?(?P<committee>省|市|区|县)委(?:员会)?"
                        r"[、,])?[\u4e00-\u9fff]{0,12}?(?P<unit>省|市|区|县)(?:人民)?政府[::]$"
                        r"|^(?P<council>国务院)[::]$")
_SELF_DEPARTMENT = re.compile(r"我(?:局|委|厅|办|署|部)(?![委级内直属])")
_SELF_GOVERNMENT = re.compile(r"我(省|市|区|县|镇|乡|街道)(?![委级内直属])")
_BELOW = {"省": "city", "市": "district", "区": "street", "县": "street"}
_SAME = {"省": "province", "市": "city", "区": "district", "县": "district"}


def addressee_level(body: list[str], text: str) -> str | None:
    """The reporter's level from whom the report is addressed to, when it does not name
    itself: a department (我局, 我委) reporting to 市委、市政府 is a city department, to
    区委、区政府 a district one, to a province a provincial one, to the State Council a
    ministry; a government (我区) reports to the level above its own. None when the text
    has no addressee line or does not say which kind of body it is."""
    line = next((line for line in body[:3] if _ADDRESSED.match(line)), None)
    if line is None:
        return None
    m = _ADDRESSED.match(line)
    department = bool(_SELF_DEPARTMENT.search(text))
    own = _SELF_GOVERNMENT.findall(text)
    if m.group("council"):
        if own and not department:
            return "province" if own[0] == "省" else None
        return "national" if department else None
    unit = m.group("unit")
    if department:
        return _SAME[unit]
    if own:
        return _BELOW[unit]
    return None


def _find_full_form(rest: str, text: str, *, context: Counter[str]) -> Agency | None:
    if not text or not rest:
        return None
    expanded = expand_agency(rest)
    for form in dict.fromkeys((rest, expanded, shorten_agency(expanded))):
        for m in re.finditer(re.escape(form), text):
            window = text[max(0, m.start() - 16) : m.start()]
            # Try every start of the window, longest first, for a place chain that ends
            # exactly where the agency name begins.
            for k in range(len(window)):
                candidate = window[k:]
                place, used = places.parse_place_prefix(candidate + form, context=context)
                if place is not None and used == len(candidate) and place.level != "town":
                    name = place.canonical + expanded
                    return Agency(name, place, _admin_level(place, expanded), "body")
    return None


def _admin_level(place: places.Place, rest: str) -> str:
    if place.level == "town":
        return "street"
    if place.level == "county":
        return "district"
    if place.level == "city":
        return "province" if place.name in places.MUNICIPALITIES else "city"
    return "province"


# --- titles ------------------------------------------------------------------------

_TITLE_WORDS = re.compile(r"法治政府|依法行政|法治建设|法治.{0,6}报告")
_REPORT_WORD = re.compile(r"报告|情况|总结|工作")


def find_title(page: Page) -> str | None:
    """The report title from the header lines; a title split over two lines is joined."""
    header = [line for _, line in page.header if not is_doc_number(line)]
    candidates: list[str] = []
    for k, line in enumerate(header):
        if _TITLE_WORDS.search(line) and _REPORT_WORD.search(line) and len(line) <= 80:
            previous = header[k - 1] if k else ""
            if (line.startswith("关于") and previous and not _TITLE_WORDS.search(previous)
                    and len(previous) <= 40 and not re.search(r"[,。;:]", previous)):
                line = previous + line
            candidates.append(line)
    if not candidates:
        return None
    # Pages repeat the title (page title, article title); the most complete one wins.
    return max(candidates, key=lambda t: (len(t.replace(" ", "")), -candidates.index(t)))


def title_agency(title: str) -> str | None:
    """The agency part of a title: 广州市卫生健康委关于2024年度… -> 广州市卫生健康委."""
    t = title.replace(" ", "")
    m = re.search(r"(关于)?(\d{4}|[〇○零一二三四五六七八九]{4})年", t)
    head = t[: m.start()] if m else ""
    if not head:
        # 2020年静海区法治政府建设情况报告: the agency follows the year.
        m2 = re.match(r"^(?:\d{4}|[〇○零一二三四五六七八九]{4})年度?(.+?)(?:关于)?(?:推进)?"
                      r"(?:法治政府|依法行政|法治建设)", t)
        head = m2.group(1) if m2 else ""
    if not head:
        m3 = re.match(r"^(.+?)(?:关于)?(?:推进)?(?:法治政府|依法行政|法治建设)", t)
        head = m3.group(1) if m3 else ""
    head = re.sub(r"^关于|关于$", "", head)
    # A repost's title: 生态环境部发布2023年法治政府建设年度报告.
    head = re.sub(r"(?:正式)?(?:发布|公布|印发)$", "", head)
    if re.search(r"\d|年|[〇○]", head):
        return None
    return head or None


def find_year(title: str | None, body: list[str], headings: list[str]) -> tuple[int | None, str]:
    """The year a report covers, with its source (title or body); (None, "") if not stated."""
    if title:
        m = re.search(YEAR + r"\s*年", title.replace(" ", ""))
        if m:
            return cn_number(m.group(1)), "title"
    text = "\n".join(body[:3])
    patterns = [
        r"现将[^。]{0,30}?" + YEAR + r"\s*年度?[^。]{0,12}(?:法治政府|依法行政|法治建设)",
        r"^" + YEAR + r"\s*年(?:度|以来)?\s*[,,]",
        r"^(?:根据|按照)[^。]{0,80}?。?" + YEAR + r"\s*年(?:度|以来)?\s*[,,]",
    ]
    for pattern in patterns:
        m = re.search(pattern, text, flags=re.M)
        if m:
            return cn_number(m.group(1)), "body"
    for heading in headings[:3]:
        m = re.search(r"^[一二三四五六七八九十]+\s*[、.]\s*(?:上一?年度?)?" + YEAR + r"\s*年", heading)
        if m:
            return cn_number(m.group(1)), "body"
    for line in body[:12]:
        m = re.match(r"^" + YEAR + r"\s*年(?:度)?\s*[,,]", line)
        if m:
            return cn_number(m.group(1)), "body"
    return None, ""


def find_signature(body: list[str]) -> str | None:
    """The signing agency above the closing date, e.g. 长治市城市管理局."""
    tail = body[-4:]
    for k in range(len(tail) - 1, -1, -1):
        if is_signature_date(tail[k]):
            for line in reversed(tail[:k]):
                if (len(line) <= 40 and not re.search(r"[,。;:]", line)
                        and re.search(_AGENCY_SUFFIX + r"$|" + _PLACE_TAIL + r"$", line)):
                    return line
            return None
    return None


def find_ending(body: list[str], parts: set[str]) -> tuple[bool, bool]:
    """Whether a body was cut short, and whether it runs to its end: (truncated, complete).

    A report ends with a sentence, a signature, or a signature date (2024年1月 counts too);
    anything else was cut mid-sentence. It is complete when it was not cut and shows its end:
    a closing signature or date, or a final statutory part (plans, other). A body that
    merely ends on 。 may be a page cut after a paragraph, so that alone does not count.
    """
    last_line = body[-1]
    month_only = re.fullmatch(r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*"
                              r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月", last_line)
    signed_off = bool(is_signature_date(last_line) or month_only or find_signature(body))
    truncated = not (re.search(r"[。!?;”」』)…]$", last_line) or signed_off
                     or find_signature(body + ["2000年1月1日"]) == last_line)
    return truncated, not truncated and (signed_off or bool(parts & {"plans", "other"}))


_OPENING_SUBJECT = re.compile(
    r"^(?:" + YEAR + r"\s*年(?:度|以来)?\s*[,,]?\s*)?"
    # 2021年是“十四五”开局之年,遵义市…: a clause about the year before the subject.
    r"(?:" + YEAR + r"\s*年是[^。,,]{2,40}[,,]\s*)?"
    r"(?:在[^。]{2,40}?(?:下|指导下|领导下)\s*[,,]\s*)?"
    r"(?P<agency>[\u4e00-\u9fff()]{2,40}?(?:" + _AGENCY_SUFFIX + r"|" + _PLACE_TAIL + r"))"
    # 江西省委、省政府坚持…, 北辰区委、区政府…: the Party committee and government of a
    # place report together; the subject is the place, so its government.
    r"(?:委(?:员会)?[、,和及]\s*(?:省|市|区|县|旗)?(?:人民)?政府)?"
    r"(?:党组|党委|党工委)?(?:坚持|深入|认真|紧紧|始终|全面|围绕|按照|以|在|把|持续|聚焦|立足|"
    r"紧扣|牢牢|着力|扎实|积极|不断|高度|严格|贯彻|落实|全力|继续|大力|坚决|切实)"
)
_REPORT_SUBJECT = re.compile(
    r"现将(?P<agency>[\u4e00-\u9fff]{2,30}?(?:" + _AGENCY_SUFFIX + r"|" + _PLACE_TAIL + r"))"
    r"(?:" + YEAR + r"\s*年)"
)


def body_agencies(body: list[str]) -> list[str]:
    """Agency strings stated by the opening sentences (2022年,司法部坚持…; 现将市人社局2021年…)."""
    found = []
    for line in body[:4]:
        for sentence in re.split(r"(?<=[。;])", line):
            m = _OPENING_SUBJECT.match(sentence.strip())
            if m and not m.group("agency").startswith(("我", "全")):
                found.append(m.group("agency"))
        m = _REPORT_SUBJECT.search(line)
        if m and not m.group("agency").startswith(("我", "全")):
            found.append(m.group("agency"))
    return found


_SELF = {"局": "局", "厅": "厅", "委": "委", "办": "办", "署": "署", "部": "部"}
_STEM_STOP = re.compile(r"[关于的在对与是将为了和及并由从向]")


def self_reference_agency(text: str, *, context: Counter[str]) -> Agency | None:
    """The agency a report calls 我局/我厅/我委 (or 我区/我县/我市), from the text's mentions.

    A department that never names itself in its title or opening sentence usually names
    itself inside document titles (《红寺堡区综合执法局重大执法决定法制审核制度》): its most
    frequent full-name mention wins. A government that writes 我区 is the most mentioned
    district. Ties give None.
    """
    refs = Counter(m.group(1) for m in re.finditer(r"我(局|厅|委|办|署|部|区|县|市)(?![委级内直属])",
                                                   text))
    if not refs:
        return None
    # A department writes of its city or district too (我市法治建设), so any 我局/我委 wins.
    departments = Counter({k: n for k, n in refs.items() if k in _SELF})
    kind = (departments or refs).most_common(1)[0][0]
    if kind in ("区", "县", "市"):
        # 我区/我县/我市 is how a government writes of itself: its place is the most
        # mentioned unit of that kind.
        level = "city" if kind == "市" else "county"
        place = places.dominant(context, level)
        if place is None or not place.name.endswith(kind):
            return None
        return Agency(place.canonical + "人民政府", place, _admin_level(place, "人民政府"), "body")
    suffix = _SELF[kind]
    votes: Counter[str] = Counter()
    found: dict[str, Agency] = {}
    # Candidate names start where a province, city or county is mentioned.
    for start, _, _ in places.find_place_mentions(text):
        window = text[start : start + 30]
        place, used = places.parse_place_prefix(window, context=context)
        if place is None or place.level == "town":
            continue
        stem = re.match(r"^([\u4e00-\u9fff]{1,12}?)" + suffix, window[used:])
        if not stem or _STEM_STOP.search(stem.group(1)) or places.lookup(stem.group(1)[:3]):
            continue
        dept = expand_agency(stem.group(0))
        name = place.canonical + dept
        votes[name] += 1
        found[name] = Agency(name, place, _admin_level(place, dept), "body")
    if not votes:
        return None
    ranked = votes.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return found[ranked[0][0]]


@dataclass
class Metadata:
    """Inferred metadata of one report; ``*_source`` name where each value came from."""

    title: str | None = None
    agency: str | None = None
    agency_stated: str | None = None
    agency_source: str = ""
    admin_level: str | None = None
    admin_level_source: str = ""
    province: str | None = None
    city: str | None = None
    district: str | None = None
    adcode: str | None = None
    place_source: str = ""
    year: int | None = None
    year_source: str = ""
    published: str | None = None
    published_source: str = ""
    signed: str | None = None
    party_committee: str | None = None
    unit_kind: str | None = None
    doc_number: str | None = None
    page_source: str | None = None
    notes: list[str] = field(default_factory=list)


def infer_metadata(page: Page, *, headings: list[str] | None = None,
                   url: str | None = None) -> Metadata:
    """Infer every metadata field of one report from its page.

    Parameters
    ----------
    page : Page
        The split page.
    headings : list of str, optional
        Top-level headings, a fallback for the year (一、2023年主要工作).
    url : str, optional
        The page's address (a saved page's canonical URL), a fallback for the date.

    Returns
    -------
    Metadata
        Fields that cannot be inferred stay None, with a note saying so.
    """
    body = [line for _, line in page.body]
    facts = page.chrome.facts
    text = "\n".join(body)
    context = places.count_place_mentions(text + "\n" + "\n".join(line for _, line in page.header))
    meta = Metadata(title=find_title(page))
    meta.page_source = facts.get("来源") or facts.get("文章来源") or facts.get("信息来源") or None
    number = facts.get("发文字号") or facts.get("备注/文号") or facts.get("文号")
    header_numbers = [line for _, line in page.header if is_doc_number(line)]
    meta.doc_number = number or (header_numbers[0] if header_numbers else None)

    candidates: list[tuple[str, str]] = []
    if meta.title and (head := title_agency(meta.title)):
        candidates.append((head, "title"))
    if sig := find_signature(body):
        candidates.append((sig, "signature"))
    # The organisation of the page's metadata block: 发布机构, or 发文机关 in templates
    # that print the document's issuer.
    for key in ("发布机构", "发文机关", "发布单位"):
        if facts.get(key):
            candidates.append((facts[key], "page"))
            break
    candidates += [(a, "body") for a in body_agencies(body)]
    meta.agency_stated = candidates[0][0] if candidates else None
    resolved = [a for raw, src in candidates
                if (a := resolve_agency(raw, source=src, context=context, text=text))]
    if not resolved and (mentioned := self_reference_agency(text, context=context)):
        resolved.append(mentioned)
    agency = _best_agency(resolved)
    # A joint report names its Party committee beside the government in the title or above
    # the signature; the committee is its own column, never part of the agency's name.
    issuers = [raw for raw, src in candidates if src != "body"] + body[-5:]
    meta.party_committee = next((party for raw in issuers
                                 if (party := split_party(raw)[0]) is not None), None)
    if agency and agency.place is None and agency.level == "street":
        agency = _place_township(agency, facts, page)
    if agency:
        meta.agency, meta.agency_source = agency.name, agency.source
        meta.admin_level, meta.admin_level_source = agency.level, agency.source
        if agency.place is not None:
            _set_place(meta, agency.place, "place lookup")
    else:
        meta.notes.append("agency not stated in the text" if not meta.agency_stated else
                          f"agency {meta.agency_stated} could not be resolved to a place")
        relative = re.match(r"^(省|自治区|市|区|县|旗|镇|乡|街道)", meta.agency_stated or "")
        if relative:
            meta.admin_level = {"省": "province", "自治区": "province", "市": "city",
                                "区": "district", "县": "district", "旗": "district"}.get(
                relative.group(1), "street")
            meta.admin_level_source = candidates[0][1]
        if meta.admin_level is None and (level := addressee_level(body, text)) is not None:
            meta.admin_level, meta.admin_level_source = level, "addressee"
        fallback = places.dominant(context, "city") or places.dominant(context, "province")
        if fallback is not None:
            _set_place(meta, fallback, "body")
            meta.notes.append(f"place from the most mentioned unit ({fallback.name})")

    meta.unit_kind = unit_kind(meta.agency, joint=meta.party_committee is not None)
    meta.year, meta.year_source = find_year(meta.title, body, headings or [])
    meta.published, meta.published_source = find_published(facts, body, url)
    if facts.get("repost") or (meta.title and REPOST_TITLE.search(meta.title)):
        # A repost's page date is when it was reposted, not when the report was published:
        # the original date where the lead states it, else NA.
        meta.published, meta.published_source = repost_published(
            facts.get("repost", ""), reposted=meta.published)
    meta.signed = find_signed(facts, body)
    if meta.year is None:
        meta.notes.append("year covered not stated")
    if meta.published is None:
        meta.notes.append("publication date not stated")
    if meta.year is not None and meta.published and int(meta.published[:4]) < meta.year:
        meta.notes.append(f"published {meta.published} before the end of the year covered")
    return meta


# Parent places a report names without naming itself with them: its addressee
# (西湖区人民政府:, 区委、区政府: does not name one) and local documents it cites
# (《2023年法治西湖建设工作要点》).
_ADDRESSEE_PLACE = re.compile(r"^(?:中共)?([\u4e00-\u9fff]{2,12}?)(?:委员会|委)?(?:[、,]"
                              r"[\u4e00-\u9fff]{0,12}?)?(?:人民)?政府[::]$")
_CITED_PLACE = re.compile(r"法治([\u4e00-\u9fff]{2,3}?)(?:建设|政府|工作)")


def _place_township(agency: Agency, facts: dict[str, str], page: Page) -> Agency:
    """Place a township the gazetteer found several of from the page's other mentions:
    a source line naming it with its county (信息来源:溆浦县大江口镇), the publishing
    organisation, a header line; else a parent place the addressee or a cited local
    document names, when exactly one township of that name lies under it. Unchanged
    otherwise: the place is never guessed."""
    mentions = [facts.get(key, "") for key in ("信息来源", "来源", "文章来源", "发布机构")]
    mentions += [line for _, line in page.header]
    for mention in mentions:
        for start in range(min(len(mention), 12)):
            place, used = places.parse_place_prefix(mention[start:], context=Counter())
            if (place is not None and place.level == "town" and used > len(place.name)
                    and agency.name.startswith(place.name)):
                return _placed(agency, place)
    town = re.match(r"^(.+?(?:乡|镇|街道))(?:人民政府|办事处)$", agency.name)
    if town is None:
        return agency
    body = [line for _, line in page.body]
    hints = {m.group(1).removesuffix("区").removesuffix("县").removesuffix("市")
             for line in body[:3] if (m := _ADDRESSEE_PLACE.match(line))}
    hints |= {m.group(1) for m in _CITED_PLACE.finditer("\n".join(body))}
    hints = {h for h in hints if len(h) >= 2 and h not in ("省", "市", "区", "县")}
    under = [t for t in places.lookup(town.group(1)) if t.level == "town" and any(
        (t.county or "").startswith(h) or (t.city or "").startswith(h) for h in hints)]
    return _placed(agency, under[0]) if len(under) == 1 else agency


def _placed(agency: Agency, place: places.Place) -> Agency:
    return Agency(place.canonical + agency.name[len(place.name):], place, agency.level,
                  agency.source)


def _best_agency(resolved: list[Agency]) -> Agency | None:
    if not resolved:
        return None
    # A name that resolves to a deeper place is more specific: 滨海新区人民政府杭州道街道办事处
    # in a signature beats the page's 杭州道 label; between equals, the earlier source wins.
    depth = {"town": 4, "county": 3, "city": 2, "province": 1}

    def key(a: Agency) -> tuple[int, int]:
        d = depth.get(a.place.level, 0) if a.place else 0
        return (d, -resolved.index(a))

    best = resolved[0]
    for a in resolved[1:]:
        # Keep the first (title) unless a later one names the same agency more fully.
        if a.name == best.name:
            continue
        if a.name.endswith(best.name) or (best.place and a.place and key(a) > key(best)
                                           and best.name[-3:] == a.name[-3:]):
            best = a
    return best


def _set_place(meta: Metadata, place: places.Place, source: str) -> None:
    meta.province = place.province
    meta.city = place.city
    meta.district = place.county
    meta.adcode = place.adcode
    meta.place_source = source
