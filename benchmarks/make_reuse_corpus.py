"""Generate N reports with planted text reuse, and the truth: which passage is where.

The reports have the page layout of ``make_corpus.py`` (title, 发布日期 line, the opening
formula with the agency's name, the four statutory parts under its headings, numbered
blocks, signature) for agencies of a real hierarchy (jionlp's gazetteer): provincial, city
and county governments, their departments, and street offices and towns, each reporting
in two to four consecutive years from 2020.

``make_corpus.py``'s bodies are not used: they recombine a few dozen blocks of the five
seeds, so any two of its reports share whole blocks, reuse nobody planted and nobody could
list. Here each body is new text: words drawn from the seeds' vocabulary by their frequency
(jieba through ``analysis.text``), in sentences and paragraphs, so no two reports share a
passage by chance (``bench_reuse.py`` checks: a detection outside the truth counts
against precision). What reports do share by design is boilerplate, which must not count
as reuse:

- the template of ``make_corpus.py``: the opening formula (in every report, with the
  agency's name), the part headings (with the year) and the signature;
- ``FORMULAS``: twenty long set sentences (以习近平新时代中国特色社会主义思想为指导…);
  a block opens with one of them a time in four, so each is in about 14% of the reports.

Planted reuse: passages of 50 to 400 characters cut from one report's own text and copied
into others, (1) from an agency's report into its report of the next year, (2) from a
government's report into one to four reports of units it governs in the same year (its
departments, the governments and departments below it), (3) between two agencies of the
same year. A copy lands at a sentence boundary, at an arbitrary character, or as a
paragraph of its own. Beside the folder OUT, ``OUT.truth.csv`` lists every pair of reports
that holds a passage: ``passage`` (id), ``file_a``, ``start_a``, ``end_a``, ``file_b``,
``start_b``, ``end_b`` (offsets into the file's text as written), and ``OUT.passages.csv``
each passage's kind, the file it was cut from (``source``) and its text. The output depends
only on N and ``--seed``.

    python benchmarks/make_reuse_corpus.py 1000 --out build/bench/reuse-1000
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from make_corpus import CN_NUMBERS, DEPARTMENTS, PART_HEADINGS, PROVINCE_DEPARTMENTS

from analysis.ingest import places
from analysis.ingest.places import MUNICIPALITIES
from analysis.paths import SEEDS

FORMULAS = (
    "坚持以习近平新时代中国特色社会主义思想为指导,全面贯彻党的二十大和二十届二中、三中全会精神,深入学习贯彻习近平法治思想。",
    "认真落实《法治政府建设实施纲要(2021-2025年)》,扎实推进法治政府建设各项任务落地见效,为经济社会高质量发展提供有力法治保障。",
    "严格落实党政主要负责人履行推进法治建设第一责任人职责规定,将法治建设纳入年度工作要点和绩效考核,做到与业务工作同部署、同推进、同督促、同考核。",
    "全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度,切实做到严格规范公正文明执法。",
    "深入推进“放管服”改革,持续优化法治化营商环境,全面实行权责清单制度,推动政务服务事项“一网通办”。",
    "严格落实重大行政决策程序规定,坚持公众参与、专家论证、风险评估、合法性审查和集体讨论决定等法定程序。",
    "加强行政规范性文件制定和监督管理,严格落实合法性审核机制,未经合法性审核或者经审核不合法的,不得提交集体审议。",
    "认真落实“谁执法谁普法”普法责任制,深入开展宪法、民法典等法律法规的宣传教育,营造尊法学法守法用法的良好氛围。",
    "自觉接受人大监督、民主监督、司法监督、群众监督和舆论监督,认真办理人大代表建议和政协委员提案,办复率达到百分之百。",
    "坚持和发展新时代“枫桥经验”,健全矛盾纠纷多元预防调处化解综合机制,把矛盾纠纷化解在基层、化解在萌芽状态。",
    "全面推进政务公开,坚持以公开为常态、不公开为例外,及时回应社会关切,依法保障人民群众的知情权、参与权、表达权和监督权。",
    "扎实开展法治政府建设示范创建活动,以示范创建为抓手,全面提升法治政府建设水平,努力打造法治政府建设的先进典型。",
    "健全行政机关负责人出庭应诉制度,支持人民法院依法受理和审理行政案件,尊重并执行人民法院生效裁判。",
    "落实领导干部学法制度,将习近平法治思想纳入党委(党组)理论学习中心组学习内容,切实提高领导干部运用法治思维和法治方式的能力。",
    "持续深化行政执法体制改革,推进综合行政执法,加强行政执法人员资格管理和执法证件管理,全面提升执法队伍素质。",
    "加强行政复议规范化建设,充分发挥行政复议化解行政争议的主渠道作用,依法纠正违法或者不当的行政行为。",
    "推进数字法治政府建设,加快推进信息化平台建设,推动行政执法与数字技术深度融合,提高行政管理和服务效能。",
    "健全突发事件应对体系,依法预防处置重大突发事件,完善应急预案体系,提高依法应对突发事件的能力和水平。",
    "坚持把法治建设摆在全局工作的重要位置,定期听取法治建设工作汇报,及时研究解决法治建设中的重大问题。",
    "对照上级部署要求,法治政府建设仍存在一些不足,部分干部运用法治思维和法治方式解决问题的能力有待进一步提高。",
)
YEARS = range(2020, 2025)
FORMULA_RATE = 0.25  # share of blocks that open with a set sentence
MIN_PASSAGE, MAX_PASSAGE = 50, 400


# ---------------------------------------------------------------------------
# Agencies: a real hierarchy of places
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    """An agency, its place and kind: ``level`` 1 province, 2 city, 3 county, 4 street."""

    name: str
    kind: str  # government, department or street
    level: int
    place: tuple[str, ...]  # (province, city, county, town) down to its level


def _agencies(rng: random.Random, n_agencies: int) -> list[Agency]:
    """Agencies of whole cities (government, departments, counties and their towns), with
    each touched province's government and departments, until there are enough."""
    units = places.load_gazetteer()
    # Not the municipalities (their cities are themselves) nor Taiwan, Hong Kong and Macao
    # (adcodes from 710000), as make_corpus.py; not the gazetteer's placeholder counties.
    provinces_in = {p.name for p in units if p.level == "province" and p.adcode
                    and p.adcode < "710000" and p.name not in MUNICIPALITIES}
    cities = [p for p in units if p.level == "city" and p.province in provinces_in]
    counties: dict[tuple, list] = {}
    towns: dict[tuple, list] = {}
    for p in units:
        if p.level == "county" and p.city and "行政区划" not in p.name:
            counties.setdefault((p.province, p.city), []).append(p)
        elif p.level == "town" and p.city and p.name.endswith(("街道", "镇")):
            towns.setdefault((p.province, p.city, p.county), []).append(p)
    rng.shuffle(cities)
    agencies: list[Agency] = []
    provinces: set[str] = set()
    for city in cities:
        if len(agencies) >= n_agencies:
            break
        if city.province not in provinces:
            provinces.add(city.province)
            agencies.append(Agency(f"{city.province}人民政府", "government", 1, (city.province,)))
            for dept in rng.sample(PROVINCE_DEPARTMENTS, 2):
                agencies.append(Agency(city.province + dept, "department", 1, (city.province,)))
        place = (city.province, city.name)
        agencies.append(Agency(f"{city.name}人民政府", "government", 2, place))
        for dept in rng.sample(DEPARTMENTS, 3):
            agencies.append(Agency(city.name + dept, "department", 2, place))
        chosen = rng.sample(counties.get(place, []), min(3, len(counties.get(place, []))))
        for county in chosen:
            where = (*place, county.name)
            agencies.append(Agency(f"{county.canonical}人民政府", "government", 3, where))
            for dept in rng.sample(DEPARTMENTS, 2):
                agencies.append(Agency(county.canonical + dept, "department", 3, where))
            options = towns.get(where, [])
            for town in rng.sample(options, min(2, len(options))):
                suffix = "办事处" if town.name.endswith("街道") else "人民政府"
                agencies.append(Agency(town.canonical + suffix, "street", 4,
                                       (*where, town.name)))
    return agencies[:n_agencies]


def governs(superior: Agency, unit: Agency) -> bool:
    """Whether a government's report is a superior's of ``unit``'s (as score_reuse defines)."""
    if superior.kind != "government" or unit.place[:superior.level] != superior.place:
        return False
    return superior.level < unit.level or (superior.level == unit.level
                                           and unit.kind == "department")


# ---------------------------------------------------------------------------
# Text: words of the seeds, drawn by frequency
# ---------------------------------------------------------------------------


def _vocabulary() -> tuple[list[str], list[float]]:
    """The Han words of the seeds and their cumulative frequencies."""
    from analysis import load_corpus
    from analysis.text import tokenize_text

    counts: Counter[str] = Counter()
    for text in load_corpus(SEEDS, progress=False).reports["text"]:
        counts.update(t for t in tokenize_text(text) if re.fullmatch(r"[\u4e00-\u9fff]+", t))
    words = sorted(counts)
    return words, list(itertools.accumulate(counts[w] for w in words))


class _Writer:
    """Sentences of words drawn from the vocabulary, with counts and amounts in them."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.words, self.cum = _vocabulary()

    def sentence(self) -> str:
        rng = self.rng
        clauses = []
        for _ in range(rng.randint(1, 4)):
            words = rng.choices(self.words, cum_weights=self.cum, k=rng.randint(3, 9))
            if rng.random() < 0.2:
                words.insert(rng.randrange(len(words) + 1),
                             f"{rng.randint(2, 9999)}{rng.choice('件人次项个家万元')}")
            clauses.append("".join(words))
        return ",".join(clauses) + "。"

    def paragraph(self, size: int) -> str:
        text = ""
        while len(text) < size:
            text += self.sentence()
        return text

    def heading(self) -> str:
        return "".join(self.rng.choices(self.words, cum_weights=self.cum, k=3)) + "。"


# ---------------------------------------------------------------------------
# Reports as lines of segments, so that copies can be cut and inserted anywhere
# ---------------------------------------------------------------------------


@dataclass
class Segment:
    text: str
    kind: str  # "fixed" (template, set sentence), "filler", "source" or "copy"
    passage: int | None = None


@dataclass
class Report:
    index: int
    agency: Agency
    year: int
    month: int
    day: int
    header: list[str] = field(default_factory=list)  # title and metadata line
    lines: list[list[Segment]] = field(default_factory=list)  # the body


def _fixed(text: str) -> list[Segment]:
    """A line of template text, which copies never cut or land in."""
    return [Segment(text, "fixed")]


def _report(writer: _Writer, index: int, agency: Agency, year: int) -> Report:
    """A report of the agency and year: the layout of make_corpus.py, new text in it."""
    rng = writer.rng
    month, day = rng.randint(1, 3), rng.randint(1, 28)
    report = Report(index, agency, year, month, day)
    report.header = [f"{agency.name}{year}年度法治政府建设情况报告",
                     f"发布日期: {year + 1}-{month:02d}-{day:02d} 来源: {agency.name}", ""]
    report.lines.append(_fixed(
        f"{year}年,{agency.name}坚持以习近平新时代中国特色社会主义思想为指导,深入学习贯彻习近平法治"
        f"思想,全面推进法治政府建设,各项工作取得新进展。现将有关情况报告如下:"))
    target = rng.randint(2_500, 6_500)
    budget = {"measures": 0.6, "leadership": 0.12, "shortcomings": 0.1, "plans": 0.18}
    for number, (part, heading) in enumerate(PART_HEADINGS.items()):
        report.lines.append(_fixed(f"{CN_NUMBERS[number]}、"
                                  + heading.format(year=year, next=year + 1)))
        used = block = 0
        while used < budget[part] * target or block == 0:
            line = [Segment(f"({CN_NUMBERS[block % 10]})", "fixed")]
            if rng.random() < FORMULA_RATE:
                line.append(Segment(rng.choice(FORMULAS), "fixed"))
            # Some long paragraphs, so that passages of up to 400 characters fit in one.
            size = rng.choice((80, 150, 250, 450, 700))
            line.append(Segment(writer.heading() + writer.paragraph(size), "filler"))
            report.lines.append(line)
            used += sum(len(s.text) for s in line)
            if rng.random() < 0.5:
                text = writer.paragraph(rng.choice((60, 120, 300)))
                report.lines.append([Segment(text, "filler")])
                used += len(text)
            block += 1
    report.lines += [_fixed(""), _fixed(agency.name), _fixed(f"{year + 1}年{month}月{day}日")]
    return report


def _cut_source(rng: random.Random, report: Report, passage: int) -> str | None:
    """Turn a stretch of the report's own text into a source passage; None if none fits."""
    length = rng.randint(MIN_PASSAGE, MAX_PASSAGE)
    spots = [(i, j) for i, line in enumerate(report.lines) for j, s in enumerate(line)
             if s.kind == "filler" and len(s.text) >= length + 2]
    if not spots:
        return None
    i, j = rng.choice(spots)
    text = report.lines[i][j].text
    # Half the copies start at a sentence, half anywhere; none at the segment's very edge.
    sentence_starts = [m.end() for m in re.finditer("。", text)
                       if 1 <= m.end() <= len(text) - length - 1]
    if sentence_starts and rng.random() < 0.5:
        start = rng.choice(sentence_starts)
    else:
        start = rng.randint(1, len(text) - length - 1)
    cut = text[start:start + length]
    report.lines[i][j:j + 1] = [Segment(text[:start], "filler"),
                                Segment(cut, "source", passage),
                                Segment(text[start + length:], "filler")]
    return cut


def _insert_copy(rng: random.Random, report: Report, passage: int, text: str) -> None:
    """Insert a copy: at a sentence boundary, at any character, or as its own paragraph."""
    spots = [(i, j) for i, line in enumerate(report.lines) for j, s in enumerate(line)
             if s.kind == "filler" and len(s.text) >= 2]
    i, j = rng.choice(spots)
    how = rng.random()
    if how < 0.2:
        report.lines.insert(i + 1, [Segment(text, "copy", passage)])
        return
    host = report.lines[i][j].text
    boundaries = [m.end() for m in re.finditer("。", host) if m.end() < len(host)]
    at = rng.choice(boundaries) if boundaries and how < 0.6 else rng.randint(1, len(host) - 1)
    report.lines[i][j:j + 1] = [Segment(host[:at], "filler"), Segment(text, "copy", passage),
                                Segment(host[at:], "filler")]


def _render(report: Report) -> tuple[str, dict[int, tuple[int, int]]]:
    """The page text and where each passage (source or copy) lies in it."""
    out = "\n".join(report.header) + "\n"
    spans: dict[int, tuple[int, int]] = {}
    for n, line in enumerate(report.lines):
        for segment in line:
            if segment.passage is not None:
                spans[segment.passage] = (len(out), len(out) + len(segment.text))
            out += segment.text
        out += "\n" if n < len(report.lines) - 1 else ""
    return out + "\n", spans


# ---------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------


def make_reuse_corpus(n: int, out: Path, *, seed: int = 0) -> tuple[list[Path], Path]:
    """Write ``n`` reports to ``out`` and the truth beside it; returns the paths and truth."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    agencies = _agencies(rng, max(1, n // 3 + 1))
    slots = []
    for agency in agencies:
        span = rng.randint(2, 4)
        first = rng.randint(YEARS.start, YEARS.stop - span)
        slots += [(agency, year) for year in range(first, first + span)]
    slots = slots[:n]
    reports = [_report(writer, i, agency, year) for i, (agency, year) in enumerate(slots)]
    by_slot = {(r.agency, r.year): r for r in reports}
    by_year: dict[int, list[Report]] = {}
    for r in reports:
        by_year.setdefault(r.year, []).append(r)
    groups: list[tuple[str, Report, list[Report]]] = []  # (kind, source, targets)
    for r in reports:
        following = by_slot.get((r.agency, r.year + 1))
        if following is not None and rng.random() < 0.5:
            groups += [("next_year", r, [following])] * rng.randint(1, 2)
        if r.agency.kind == "government" and rng.random() < 0.5:
            units = [u for u in by_year[r.year] if u is not r and governs(r.agency, u.agency)]
            if units:
                groups.append(("superior", r, rng.sample(units, min(len(units),
                                                                    rng.randint(1, 4)))))
    for _ in range(n // 10):
        year = rng.choice(sorted(by_year))
        if len(by_year[year]) >= 2:
            a, b = rng.sample(by_year[year], 2)
            if a.agency != b.agency:
                groups.append(("across", a, [b]))
    passages = []
    for kind, source, targets in groups:
        text = _cut_source(rng, source, len(passages))
        if text is None:
            continue
        for target in targets:
            _insert_copy(rng, target, len(passages), text)
        passages.append((kind, source, targets, text))
    out.mkdir(parents=True, exist_ok=True)
    paths, spans = [], {}
    for r in reports:
        page, spans[r.index] = _render(r)
        path = out / f"report_{r.index:05d}.txt"
        path.write_text(page, encoding="utf-8")
        paths.append(path)
    truth_path = out.parent / f"{out.name}.truth.csv"
    with truth_path.open("w", encoding="utf-8", newline="") as f:
        writer_ = csv.writer(f)
        writer_.writerow(["passage", "file_a", "start_a", "end_a", "file_b", "start_b", "end_b"])
        for pid, (_, source, targets, _) in enumerate(passages):
            holders = sorted({source.index, *(t.index for t in targets)})
            for a, b in itertools.combinations(holders, 2):
                writer_.writerow([pid, paths[a].name, *spans[a][pid], paths[b].name,
                                  *spans[b][pid]])
    with (out.parent / f"{out.name}.passages.csv").open("w", encoding="utf-8", newline="") as f:
        writer_ = csv.writer(f)
        writer_.writerow(["passage", "kind", "source", "n_chars", "text"])
        for pid, (kind, source, _, text) in enumerate(passages):
            writer_.writerow([pid, kind, paths[source.index].name, len(text), text])
    return paths, truth_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=10_000,
                        help="number of reports (default 10000)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    paths, truth = make_reuse_corpus(args.n, args.out, seed=args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} reports, {size / 1e6:.1f} MB in {args.out}; truth in {truth}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
