"""What each quantity counts (its measure), its category, and whether it itemises a total.

The measure is the noun phrase before the number within its clause, stripped of time, scope
and verb words, or the noun right after the unit, or the measure of the quantity just before."""

from __future__ import annotations

import bisect
import re
from functools import cache

from analysis.indicators.lexicon import (
    _ACTION_UNITS,
    _AFTER_CUTS,
    _AFTER_EMPTY,
    _AFTER_LEADING,
    _AFTER_STOPS,
    _CONTENT_VERBS,
    _DETERMINERS,
    _GONG_WORDS,
    _HARD_STOPS,
    _LEADING_PATTERNS,
    _LIGHT_VERBS,
    _PREPOSITIONS,
    _QUOTE_CHARS,
    _RATE_UNITS,
    _TOTAL_MARKERS,
    _TRAILING_CONNECTORS,
    _TRAILING_SINGLE,
)
from analysis.indicators.quantities import _Lines, _Quantity, _Spans
from analysis.indicators.resources import _categories_cached

# Rules of the extraction, used by analysis.indicators.extract; nothing here is public.
__all__: list[str] = []

# ---------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------


def _strip_prefixes(phrase: str, words: tuple[str, ...]) -> str:
    changed = True
    # One test against every word first: most phrases start with none of them, and a call
    # per word and phrase was a fifth of the measures' time.
    while changed and phrase and phrase.startswith(words):
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
        i = -len(word)
        # Each occurrence in turn, not overlapping (as re.finditer gave them).
        while (i := phrase.find(word, i + len(word))) >= 0:
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


_COUNTED_RATES = re.compile(r"[一二两三四五六七八九十]+个$")


def _clean_before(raw: str, unit_std: str) -> tuple[str, str]:
    """Measure and category context from the clause before a number."""
    phrase = raw
    for char in _QUOTE_CHARS:
        phrase = phrase.replace(char, "")
    phrase = phrase.strip()
    rate = unit_std in _RATE_UNITS
    ends_with_de = phrase.endswith("的")
    changed = True
    while changed and phrase and phrase.endswith(_TRAILING_CONNECTORS):
        changed = False
        for word in _TRAILING_CONNECTORS:
            if phrase.endswith(word) and len(phrase) >= len(word):
                phrase = phrase[: -len(word)].rstrip()
                changed = True
                break
    # 三个100%: the numeral counts the rates that follow, it is not part of the measure.
    phrase = _COUNTED_RATES.sub("", phrase)
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


