"""Agency and place names for the tokenizer: the ``org`` and ``place`` token kinds.

Stock jieba cuts 市人社局 into 市人 / 社局 and 长治市城市管理局在 into 长治市 / 城市管理 / 局在:
agency names are missing from its dictionary, so their pieces join their neighbours. The
vocabulary built here is generated, not listed: every place name of the gazetteer
(:func:`analysis.ingest.places.place_names`) and every short and official agency name of
``resources/agency_names.tsv``. The agency names (at a common word's frequency) and the
gazetteer's full names that jieba does not know (at the frequency jieba gives place names) go
into the private tokenizer's dictionary, so that jieba cuts at their edges; after jieba,
:func:`join_org` joins an agency name to the place names, or the one-character prefix (市, 省,
区, 县, 镇, 乡), just before it: 长治市 / 城市管理局 becomes the one token 长治市城市管理局 of
kind ``org``, 市 / 人社局 the token 市人社局.

Names are matched on jieba's tokens rather than found in a pass before jieba: a place name
found in the raw text can straddle two words, while jieba cuts a name out only where its path
through the sentence is the likeliest one (维护和平 / 区域, not 和平区). Measured on the seeds
and the development openings, a leftmost-longest Aho-Corasick pass over the same names would
have cut nine words (政和 in 依法行政和柔性执法, 江门市 in 江门市委, 大城 in 超大城市, 同安 in
同安排 ...), each a protected span jieba could not repair; with the names in jieba's dictionary
none of these occur, at no measurable cost in speed (benchmarks/bench_tokenize.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from analysis.cache import load_derived
from analysis.ingest import places as gazetteer
from analysis.text.resources import jieba_dictionary_file, jieba_words, read_agency_names

__all__ = ["AGENCY_FREQ", "ORG_PREFIXES", "PLACE_FREQ", "Names", "build_names", "join_org"]

# An agency name jieba does not know gets the lexicon's default frequency (a common word's):
# 城市管理局 must beat 城市 / 管理局 wherever it occurs.
AGENCY_FREQ = 20_000
# A place name jieba does not know gets the frequency jieba gives most of the county and town
# names it does know (median 3 for counties, 4 for towns). Forty thousand names at a common
# word's frequency would multiply the dictionary's total twelvefold and make jieba prefer
# long words everywhere; at 3 a name still beats its split (静 / 海区, 留下 / 街道), since a
# split multiplies two small probabilities.
PLACE_FREQ = 3
ORG_PREFIXES = frozenset("市省区县镇乡")
"""One-character tokens that stand for the reporting unit's own level before an agency name."""
# 街道 is listed as the short form of 街道办事处 (留下街道 -> 留下街道办事处), but 留下街道 is also
# the street's own name: a place, not an agency.
_NOT_AGENCIES = frozenset({"街道"})
# An agency name that begins with a unit word (街道办事处) is the office of the place before it,
# whose name ends with that word (杭州道街道 / 办事处). It is no org alone and stays out of the
# dictionary: at a common word's frequency it would take 街道 from the place (杭州 / 道 /
# 街道办事处).
_UNIT_WORDS = ("街道",)

_Entry = tuple[str, int, str | None]


@dataclass(frozen=True)
class Names:
    """The name vocabulary of one tokenizer configuration."""

    places: frozenset[str] = frozenset()
    """Tokens of kind ``place``."""
    agencies: frozenset[str] = frozenset()
    """Agency names: an ``org`` after a place name or a prefix."""
    bare: frozenset[str] = frozenset()
    """Agency names that are an ``org`` on their own (not common words such as 政府)."""
    tails: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """End of an agency name -> the starts it needs at the end of the place before it:
    办事处 -> (街道, ...) joins 杭州道街道 / 办事处."""
    entries: tuple[_Entry, ...] = ()
    """Dictionary entries for jieba: names it does not know, with their frequency and tag."""
    in_dictionary: Callable[[str], bool] | None = None
    """Whether a word is in the tokenizer's dictionary: one of jieba's own words, a term of
    ``entries`` or of the lexicon. A piece for which it is False was made by jieba's HMM. The
    engine sets rjieba's ``has_word``; None checks jieba's word list, ``entries`` and
    ``lexicon``."""
    lexicon: frozenset[str] = frozenset()
    """The lexicon's terms, which the dictionary holds too."""

    @cached_property
    def added(self) -> frozenset[str]:
        """The terms of ``entries``."""
        return frozenset(entry[0] for entry in self.entries)

    def made_by_hmm(self, piece: str) -> bool:
        """Whether jieba's HMM made ``piece``: it is in none of the tokenizer's dictionaries."""
        if self.in_dictionary is not None:
            return not self.in_dictionary(piece)
        return piece not in jieba_words() and piece not in self.added \
            and piece not in self.lexicon

    def kind(self, piece: str) -> str | None:
        """``place``, ``org``, ``agency`` (an org only after a place or prefix) or None."""
        if piece in self.places:
            return "place"
        if piece in self.bare:
            return "org"
        if piece in self.agencies:
            return "agency"
        if len(piece) > 1 and piece[0] in ORG_PREFIXES and piece[1:] in self.agencies:
            return "org"  # 市政府, 区政府: jieba keeps some prefixed names whole
        return None


def build_names(agency_names: Path | None, places: bool, *,
                known: frozenset[str] = frozenset()) -> Names:
    """Build the name vocabulary from the gazetteer and the agency names file.

    Parameters
    ----------
    agency_names : path or None
        ``agency_names.tsv`` (columns ``short`` and ``full``); None: no ``org`` tokens. 街道 is
        left out (留下街道 is the street's name), and so is, as an org of its own or a dictionary
        entry, a name that begins with it (街道办事处 joins the street before it).
    places : bool
        Tag gazetteer place names as ``place``.
    known : frozenset of str
        Terms already in the tokenizer's dictionary (the lexicon), never added again.

    Returns
    -------
    Names
    """
    if agency_names is None and not places:
        return Names(lexicon=known)
    entries: list[_Entry] = []
    agencies: frozenset[str] = frozenset()
    bare: frozenset[str] = frozenset()
    tails: dict[str, set[str]] = {}
    if agency_names is not None:
        agencies = read_agency_names(agency_names) - _NOT_AGENCIES
        bare = frozenset(a for a in agencies if not a.startswith(_UNIT_WORDS)
                         and not gazetteer.is_common_word(a))
        entries += [(a, AGENCY_FREQ, "nt") for a in sorted(bare) if a not in known]
        for agency in agencies:
            for cut in range(1, len(agency)):
                tails.setdefault(agency[cut:], set()).add(agency[:cut])
    names = gazetteer.place_names() if places else frozenset()
    if places:
        entries += [(name, PLACE_FREQ, "ns") for name in _dictionary_places()
                    if name not in known and name not in agencies]
    return Names(places=names, agencies=agencies, bare=bare,
                 tails={tail: tuple(sorted(heads)) for tail, heads in tails.items()},
                 entries=tuple(entries), lexicon=known)


def _dictionary_places() -> tuple[str, ...]:
    # Derived once per machine: looking each place name up in the gazetteer took half a
    # second in every process that starts a tokenizer.
    return load_derived("dictionary_places", [gazetteer.gazetteer_file(),
                                              jieba_dictionary_file(), Path(__file__),
                                              Path(gazetteer.__file__)],
                        _derive_dictionary_places)


def _derive_dictionary_places() -> tuple[str, ...]:
    # Only full names of three or more characters go into the dictionary: a short form (将乐,
    # as in 我们将乐于) or a two-character name (新镇, as in 创新镇村) would be cut out of words.
    known_words = jieba_words()
    return tuple(name for name in sorted(gazetteer.place_names())
                 if len(name) >= 3 and name not in known_words and _is_full_name(name))


_FULL_SUFFIXES = ("省", "市", "区", "县", "旗", "镇", "乡", "街道", "苏木", "自治州", "地区", "盟")


def _is_full_name(name: str) -> bool:
    return name.endswith(_FULL_SUFFIXES) and bool(gazetteer.lookup(name))


def join_org(columns: tuple[list[str], list[str], list[int], list[int]], first: int,
             piece: str, kind: str, names: Names,
             lexicon: frozenset[str]) -> int | None:
    """Join jieba's next piece, an agency name, with the place names or prefix before it.

    Parameters
    ----------
    columns : (tokens, kinds, starts, ends)
        The tokens so far, changed in place: those that join the org are removed, and a
        prefix the HMM glued to the word before it is split off (被市 / 城管局 gives 被 and
        then 市城管局). Only tokens from index ``first`` on (the same run of Han characters)
        may join.
    piece : str
        jieba's next piece.
    kind : str
        ``org`` or ``agency`` (``names.kind(piece)``), or ``tail`` for the end of an agency
        name (办事处 of 街道办事处).
    names : Names
    lexicon : frozenset of str
        The lexicon's terms (words of the dictionary, never split).

    Returns
    -------
    int or None
        The index of the first token that joins ``piece`` (``len(tokens)`` when it is an org
        on its own); the caller removes ``tokens[index:]`` and prepends them to ``piece``.
        None when ``piece`` is no org here; then nothing was changed.
    """
    tokens, kinds, starts, ends = columns
    position = len(tokens)
    if kind not in ("org", "agency"):
        # 杭州道街道 / 办事处: the agency 街道办事处 begins inside the place before it.
        heads = names.tails.get(piece)
        if not heads or position == first or kinds[-1] != "place" \
                or not tokens[-1].endswith(heads):
            return None
    elif position > first and tokens[-1] in ORG_PREFIXES:
        position -= 1  # 市 / 人社局, 长治 / 市 / 城市管理局
    elif position > first and len(tokens[-1]) > 1 and tokens[-1][-1] in ORG_PREFIXES \
            and kinds[-1] == "word" and names.made_by_hmm(tokens[-1]):
        # The HMM joins runs of single characters: 被 / 市 became 被市 before 城管局.
        word, prefix, end = tokens[-1][:-1], tokens[-1][-1], ends[-1]
        tokens[-1], ends[-1] = word, end - 1
        if word not in lexicon and names.kind(word) == "place":
            kinds[-1] = "place"
        tokens.append(prefix)
        kinds.append("word")
        starts.append(end - 1)
        ends.append(end)
        position = len(tokens) - 1
    while position > first and kinds[position - 1] == "place":
        position -= 1
    if kind == "agency" and position == len(tokens):
        return None  # 政府 and 人民政府 alone are words
    return position
