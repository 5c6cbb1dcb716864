"""Candidate quantities in a text: a number, its unit, multiplier, qualifier and interval.

Chinese numerals, multipliers and 余/多 intervals are parsed by :func:`jionlp.parse_money`.
Years, dates, plan periods, list markers, ordinals, document numbers, numbers inside
quotation marks or book titles, and the named programmes of
``resources/indicator_programmes.txt`` are not quantities."""

from __future__ import annotations

import bisect
import contextlib
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from analysis.indicators.lexicon import (
    _ARABIC,
    _BARE_COUNT_RE,
    _CN_DIGITS,
    _DENOMINATORS,
    _FRACTION_RE,
    _POST_QUALIFIERS,
    _PRE_QUALIFIERS,
    _QUANTITY_RE,
    _UNIT_STD,
)
from analysis.indicators.resources import _programmes_cached

# Rules of the extraction, used by analysis.indicators.extract; nothing here is public.
__all__: list[str] = []

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


_PHONE = re.compile(r"1\d{10}")


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
    if _PHONE.fullmatch(number):
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


