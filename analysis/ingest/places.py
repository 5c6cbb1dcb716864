"""Chinese administrative divisions: find places in text and resolve agency names to them.

The gazetteer is jionlp's ``china_location.txt`` (province, city, county with national
adcodes, plus townships and street offices), read straight from the installed package's
data folder: importing jionlp itself prints to stdout and costs seconds, which would
leak into notebook outputs.
"""

from __future__ import annotations

import importlib.util
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from analysis.cache import load_derived
from analysis.text.resources import jieba_dictionary_file as _jieba_dictionary_file
from analysis.text.resources import jieba_word_set

__all__ = ["COMMON_WORD_FREQ", "LEVELS", "MUNICIPALITIES", "Place", "count_place_mentions",
           "dominant", "find_place_mentions", "gazetteer_file", "is_common_word",
           "list_place_terms", "load_gazetteer", "lookup", "parse_place_prefix", "place_names"]

LEVELS = ("province", "city", "county", "town")
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# jionlp groups county-level units that sit directly under a province under a placeholder city.
_PLACEHOLDER_CITY = "省直辖行政区划"


@dataclass(frozen=True)
class Place:
    """One administrative unit of the gazetteer."""

    name: str
    level: str
    adcode: str | None
    province: str
    city: str | None
    county: str | None = None
    town: str | None = None

    @property
    def canonical(self) -> str:
        """The name as an agency title states it, e.g. 厦门市海沧区 but 将乐县."""
        if self.level == "province":
            return self.name
        if self.level == "city":
            return self.name
        if self.level == "county":
            # A district (区) is named with its city because district names repeat across
            # the country; counties and county-level cities are named alone.
            if self.name.endswith("区") and self.city:
                return self.city + self.name
            return self.name
        parent = Place(self.county or "", "county", None, self.province, self.city)
        return (parent.canonical if self.county else "") + self.name


def gazetteer_file() -> Path:
    """The administrative-division file of the installed jionlp package."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "jionlp is not installed: it provides the administrative-division data "
            "(run `make test` or `pip install -e .` to install the project's dependencies)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "china_location.zip"


@lru_cache(maxsize=1)
def load_gazetteer() -> tuple[Place, ...]:
    """Read every province, city, county and township of the gazetteer.

    Parsed once per machine and then read from the cache (:mod:`analysis.cache`).

    Returns
    -------
    tuple of Place
        Villages (the fifth level of the file) are skipped.
    """
    return load_derived("gazetteer", [gazetteer_file(), Path(__file__)], _parse_gazetteer)


def _parse_gazetteer() -> tuple[Place, ...]:
    with zipfile.ZipFile(gazetteer_file()) as zf:
        raw = zf.read("china_location.txt").decode("utf-8")
    places: list[Place] = []
    province = city = county = None
    province_code = city_code = county_code = None
    for line in io.StringIO(raw):
        depth = len(line) - len(line.lstrip("\t"))
        if depth > 3:
            continue
        fields = line.strip("\n").lstrip("\t").split("\t")
        name = fields[0].strip()
        code = fields[1].strip() if len(fields) > 1 and fields[1].strip() else None
        if depth == 0:
            province, province_code, city, county = name, code, None, None
            places.append(Place(name, "province", code, name, None))
        elif depth == 1:
            city, city_code, county = name, code, None
            if name != _PLACEHOLDER_CITY and name != province:
                places.append(Place(name, "city", code, province, name))
            elif name == province:
                # A municipality is its own city: keep the city level so its districts resolve.
                city = name
        elif depth == 2:
            county, county_code = name, code
            real_city = None if city == _PLACEHOLDER_CITY else city
            places.append(Place(name, "county", code, province, real_city, name))
        else:
            real_city = None if city == _PLACEHOLDER_CITY else city
            places.append(Place(name, "town", county_code, province, real_city, county, name))
    del province_code, city_code
    return tuple(places)


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[Place, ...]]:
    index: dict[str, list[Place]] = {}
    for place in load_gazetteer():
        index.setdefault(place.name, []).append(place)
        # Short forms people write: 江苏 for 江苏省, 长治 for 长治市, 留下 is too ambiguous
        # for towns, so towns are matched by full name only.
        if place.level in ("province", "city"):
            short = _short_form(place.name)
            if short != place.name and len(short) >= 2:
                index.setdefault(short, []).append(place)
    return {k: tuple(v) for k, v in index.items()}


_SHORT_SUFFIX = re.compile(
    r"(维吾尔自治区|壮族自治区|回族自治区|特别行政区|自治区|自治州|地区|省|市|盟)$"
)


def _short_form(name: str) -> str:
    return _SHORT_SUFFIX.sub("", name) or name


_MAX_NAME = 16


def lookup(name: str) -> tuple[Place, ...]:
    """Every gazetteer unit with this exact name (full or, for provinces and cities, short)."""
    return _index().get(name, ())


def _is_under(child: Place, parent: Place) -> bool:
    if parent.level == "province":
        return child.province == parent.province and child is not parent
    if parent.level == "city":
        return child.city == parent.name and child.level in ("county", "town")
    if parent.level == "county":
        return (
            child.level == "town"
            and child.county == parent.name
            and child.province == parent.province
            and child.city == parent.city
        )
    return False


# Words that may stand between two place names in an agency's name:
# 滨海新区人民政府杭州道街道办事处, 中共将乐县委员会.
_CONNECTORS = ("人民政府", "政府")


def parse_place_prefix(
    name: str, *, context: Counter[str] | None = None
) -> tuple[Place | None, int]:
    """Resolve the chain of place names at the start of an agency name.

    Parameters
    ----------
    name : str
        An agency name such as 厦门市海沧区城市管理局 or 滨海新区人民政府杭州道街道办事处.
    context : Counter, optional
        Counts of place names mentioned in the report, used to break ties between
        units that share a name (鼓楼区 exists in four cities).

    Returns
    -------
    (Place or None, int)
        The most specific unit of a consistent chain, and how many characters of
        ``name`` the chain (with connectors such as 人民政府 between places) covers.
    """
    chain: list[tuple[Place, ...]] = []
    pos = 0
    consumed = 0
    while pos < len(name):
        match = None
        for size in range(min(_MAX_NAME, len(name) - pos), 1, -1):
            candidates = lookup(name[pos : pos + size])
            if candidates:
                match = (size, candidates)
                break
        if match is None:
            connector = next((c for c in _CONNECTORS if name.startswith(c, pos)), None)
            if connector and chain:
                pos += len(connector)
                continue
            break
        size, candidates = match
        if chain:
            previous = chain[-1]
            fitting = tuple(c for c in candidates if any(_is_under(c, p) for p in previous))
            if not fitting:
                break
            chain[-1] = tuple(p for p in previous if any(_is_under(c, p) for c in fitting))
            candidates = fitting
        chain.append(candidates)
        pos += size
        consumed = pos
    if not chain:
        return None, 0
    return _choose(chain[-1], context), consumed


def _choose(candidates: tuple[Place, ...], context: Counter[str] | None) -> Place | None:
    # The same unit can be listed twice (a municipality as province and as its own city).
    unique = {(c.level, c.province, c.city, c.county, c.name): c for c in candidates}
    options = sorted(unique.values(), key=lambda p: LEVELS.index(p.level))
    if len({(p.province, p.city, p.county, p.name) for p in options}) == 1:
        return options[0]
    if context:

        def support(p: Place) -> int:
            return sum(context.get(n, 0) for n in (p.province, p.city, p.county) if n)

        scored = sorted(options, key=support, reverse=True)
        if support(scored[0]) > support(scored[1]):
            return scored[0]
    return None


@lru_cache(maxsize=1)
def _mention_automaton() -> tuple[Any, tuple[tuple[str, ...], ...]]:
    # Aho-Corasick over the names worth counting (ahocorasick_rs, leftmost-longest): one pass
    # over a report finds all 38,000 names; the Rust automaton scans about 40 MB/s of Chinese
    # text, twelve times pyahocorasick, with the same matches.
    import ahocorasick_rs

    # The names are derived once per machine (a fifth of a second in every build process).
    names, units = load_derived("place_mentions", [gazetteer_file(), Path(__file__)],
                                _mention_names)
    automaton = ahocorasick_rs.AhoCorasick(list(names),
                                           matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    return automaton, units


def _mention_names() -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    names, units = [], []
    for name, candidates in sorted(_index().items()):
        full = any(c.name == name and c.level != "town" for c in candidates)
        short = any(c.name != name and c.level == "province" for c in candidates)
        if full or short:
            names.append(name)
            units.append(tuple(sorted({c.name for c in candidates if c.level != "town"})))
    return tuple(names), tuple(units)


def find_place_mentions(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Leftmost-longest mentions of provinces, cities and counties (and province short forms).

    Returns
    -------
    list of (start, end, names)
        Character span of each mention and the full names it may stand for (江苏 stands for
        江苏省; 鼓楼区 is one name shared by four units).
    """
    automaton, units = _mention_automaton()
    return [(start, end, units[k]) for k, start, end in automaton.find_matches_as_indexes(text)]


def count_place_mentions(text: str) -> Counter[str]:
    """Count full names of provinces, cities and counties (and province short forms) in text.

    Returns
    -------
    Counter
        Full unit name -> number of mentions; a short form counts for its full name.
    """
    automaton, units = _mention_automaton()
    # Count each name once per report, then spread the counts over the units it stands for:
    # the same counts, in the same first-mention order, without a tuple per mention.
    names: Counter[int] = Counter(k for k, _, _ in automaton.find_matches_as_indexes(text))
    counts: Counter[str] = Counter()
    for k, n in names.items():
        for unit in units[k]:
            counts[unit] += n
    return counts


def dominant(counts: Counter[str], level: str) -> Place | None:
    """The most mentioned unit of one level, if it is mentioned more than any other."""
    ranked = []
    for name, k in counts.items():
        units = [p for p in lookup(name) if p.level == level and p.name == name]
        if level == "city":
            # A municipality acts as a city when a text says 市X局.
            units += [p for p in lookup(name) if p.level == "province" and name in MUNICIPALITIES]
        if units:
            ranked.append((k, name, units[0]))
    if not ranked:
        return None
    ranked.sort(key=lambda r: (-r[0], r[1]))
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        return None
    return ranked[0][2]


# ---------------------------------------------------------------------------------------------
# Which strings are place names: the rule list_place_terms and the tokenizer's place kind share.

COMMON_WORD_FREQ = 100
"""A word of jieba's dictionary this frequent is a common word: the top tenth of its entries."""
# Township-level units that are named places; jionlp's town level also lists farms, forestry
# centres, development zones and the bare words 社区 and 街道, which are no place names.
_TOWN_SUFFIXES = ("街道", "苏木", "镇", "乡")
_COUNTY_SUFFIXES = ("县", "区", "市", "旗")


def is_common_word(term: str) -> bool:
    """Whether jieba's dictionary knows ``term`` as a common word that is not a place name.

    Common means a frequency of at least :data:`COMMON_WORD_FREQ` (100, the top tenth of the
    349,046 entries of jieba 0.42.1) and a tag other than ``ns`` (place name): 资源, 平安,
    金山 and 社区 are common words, while 海沧 and 西湖 (tagged ns) and 红寺堡 (frequency 2) are
    not.
    """
    return term in _common_words()


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    return jieba_word_set("jieba_common_words", _is_common, code=Path(__file__))


def _is_common(word: str, frequency: int, tag: str) -> bool:
    return frequency >= COMMON_WORD_FREQ and tag != "ns"


def _strip(name: str, suffixes: tuple[str, ...]) -> str:
    return next((name[: -len(s)] for s in suffixes if name.endswith(s)), name)


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Every string counted as a place name by :func:`list_place_terms` and the tokenizer.

    - Full names of provinces, cities and counties (长治市, 厦门市, 海沧区, 将乐县) and of
      townships, towns and street offices (古镛镇, 留下街道, 杭州道街道); not the farms,
      forestry centres and development zones jionlp also lists at the town level, nor the
      bare words 社区 and 街道.
    - Short forms of provinces and cities (江苏, 天津, 长治, 江门): how reports name them.
    - Short forms of counties and districts of two or more characters (海沧, 红寺堡, 涪陵),
      and of street offices of three or more whose full name is unique (杭州道).

    A name that is a common word (:func:`is_common_word`) is left out, full or short: 城区,
    郊区 and 矿区 are districts somewhere, and 资源, 平安 and 金山 short forms of 资源县,
    平安区 and 金山区, but in a report they are words. Short forms of provinces and cities
    are kept even then (长治 is tagged a noun in jieba's dictionary).

    Returns
    -------
    frozenset of str
    """
    return load_derived("place_names", [gazetteer_file(), _jieba_dictionary_file(),
                                        Path(__file__)], _derive_place_names)


def _derive_place_names() -> frozenset[str]:
    names: set[str] = set()
    streets: Counter[str] = Counter()
    for place in load_gazetteer():
        name = place.name
        if "行政区划" in name:  # jionlp's placeholders for units directly under a province
            continue
        if place.level in ("province", "city"):
            names.add(name)
            short = _short_form(name)
            if short != name and len(short) >= 2:
                names.add(short)
            continue
        if place.level == "county":
            short = _strip(name, _COUNTY_SUFFIXES)
        else:
            short = _strip(name, _TOWN_SUFFIXES)
            if short == name or not short:
                continue  # a farm, a zone, 社区 or 街道 itself
            if name.endswith("街道"):
                streets[short] += 1
        if not is_common_word(name):
            names.add(name)
        if place.level == "county" and short != name and len(short) >= 2 \
                and not is_common_word(short):
            names.add(short)
    # 建设街道 exists in a dozen cities and 建设 is a word: a street's short form counts only
    # when it is long and names one street.
    names.update(short for short, count in streets.items()
                 if count == 1 and len(short) >= 3 and not is_common_word(short))
    return frozenset(names)


def list_place_terms(terms: Iterable[str]) -> list[str]:
    """The terms that are place names, e.g. to leave them out of a keyness ranking.

    A term is a place name when it is in :func:`place_names`: a full name (长治市, 海沧区,
    留下街道), a short form of a province or city (江门, 长治), or a short form of a county
    or street office that is not a common word (海沧, 红寺堡, 杭州道; not 资源, 平安, 金山).
    The bare words 社区 and 街道 are not place names.

    Returns
    -------
    list of str
        Sorted, without duplicates.
    """
    names = place_names()
    return sorted({term for term in terms if isinstance(term, str) and term in names})
