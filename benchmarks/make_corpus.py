"""Generate a realistic benchmark corpus of N reports from the seeds.

Each report recombines sections of the five seeds under the five statutory parts, for an
agency built from real administrative divisions (jionlp's gazetteer) and a year from 2020 to
2025, and is written as one page-like text file (title, 发布日期 line, body, signature), the
way users keep the reports they collect. About a third as many agencies as reports, so most
agencies report in several years. The output depends only on N and ``--seed``.

    python benchmarks/make_corpus.py 1000 --out build/bench/1000
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

import pandas as pd

from analysis import load_corpus
from analysis.ingest import places
from analysis.paths import SEEDS

DEPARTMENTS = ("城市管理局", "司法局", "生态环境局", "市场监督管理局", "交通运输局", "教育局",
               "卫生健康委员会", "人力资源和社会保障局", "自然资源局", "应急管理局", "综合行政执法局")
PROVINCE_DEPARTMENTS = ("司法厅", "教育厅", "生态环境厅", "交通运输厅", "住房和城乡建设厅")
PART_HEADINGS = {
    "measures": "{year}年推进法治政府建设的主要举措和成效",
    "leadership": "党政主要负责人履行推进法治建设第一责任人职责情况",
    "shortcomings": "存在的不足和原因",
    "plans": "{next}年推进法治政府建设的主要安排",
}
CN_NUMBERS = "一二三四五六七八九十"
# Place names of the seeds, replaced by the generated agency's own place.
SEED_PLACES = ("厦门市海沧区", "天津市滨海新区", "滨海新区", "杭州道街", "杭州道", "海沧区", "海沧",
               "江门市", "江门", "吴忠市", "红寺堡区", "红寺堡", "长治市", "长治")


def _pools() -> dict[str, list[list[str]]]:
    """Blocks of the seeds by statutory part: a level-2 section with everything below it."""
    corpus = load_corpus(SEEDS)
    sections = corpus.sections.set_index(["doc_id", "section_id"])
    block_of = {}
    for (doc_id, section_id), row in sections.iterrows():
        key, level = (doc_id, section_id), row["level"]
        while level > 2 and pd.notna(sections.loc[key, "parent_id"]):
            key = (doc_id, sections.loc[key, "parent_id"])
            level = sections.loc[key, "level"]
        block_of[(doc_id, section_id)] = key if level == 2 else None
    pools: dict[str, list[list[str]]] = {part: [] for part in PART_HEADINGS}
    blocks: dict[tuple[str, str], list[str]] = {}
    for row in corpus.paragraphs.itertuples():
        key = block_of.get((row.doc_id, row.section_id))
        if key is not None:
            blocks.setdefault(key, []).append(row.text)
    for key, lines in sorted(blocks.items()):
        part = sections.loc[key, "part"]
        # Strip the block's own number; the generator numbers blocks again.
        lines = [re.sub(r"^[(（][一二三四五六七八九十]+[)）]", "", lines[0]), *lines[1:]]
        if part in pools and sum(len(line) for line in lines) > 60:
            pools[part].append(lines)
    # Parts without level-2 blocks in the seeds (a short shortcomings part) take whole sections.
    for row in corpus.sections[corpus.sections["level"] == 1].itertuples():
        if row.part in pools and not pools[row.part]:
            text = [line for line in row.text.split("\n")[1:] if line]
            if text:
                pools[row.part].append(text)
    return pools


def _agencies(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """(agency, place) pairs at every level, from real divisions."""
    units = places.load_gazetteer()
    provinces = [p for p in units if p.level == "province" and p.adcode and p.adcode < "710000"]
    cities = [p for p in units if p.level == "city"]
    counties = [p for p in units if p.level == "county" and p.city]
    towns = [p for p in units if p.level == "town" and p.city and p.name.endswith(("街道", "镇"))]
    agencies = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.1:
            place = rng.choice(provinces)
            agencies.append((place.name + rng.choice(PROVINCE_DEPARTMENTS), place.name))
        elif kind < 0.35:
            place = rng.choice(cities)
            agencies.append((place.name + rng.choice(DEPARTMENTS), place.name))
        elif kind < 0.6:
            place = rng.choice(counties)
            agencies.append((place.canonical + rng.choice(DEPARTMENTS), place.canonical))
        elif kind < 0.8:
            place = rng.choice(counties)
            agencies.append((place.canonical + "人民政府", place.canonical))
        else:
            place = rng.choice(towns)
            suffix = "办事处" if place.name.endswith("街道") else "人民政府"
            agencies.append((place.canonical + suffix, place.canonical))
    return agencies


def make_report(rng: random.Random, agency: str, place: str, year: int,
                pools: dict[str, list[list[str]]]) -> str:
    """One report as page text: title, metadata line, body by statutory part, signature."""
    target = rng.randint(2_500, 6_500)
    month, day = rng.randint(1, 3), rng.randint(1, 28)
    lines = [f"{agency}{year}年度法治政府建设情况报告",
             f"发布日期: {year + 1}-{month:02d}-{day:02d} 来源: {agency}", "",
             f"{year}年,{agency}坚持以习近平新时代中国特色社会主义思想为指导,深入学习贯彻习近平法治思想,"
             f"全面推进法治政府建设,各项工作取得新进展。现将有关情况报告如下:"]
    size = sum(len(line) for line in lines)
    budget = {"measures": 0.6, "leadership": 0.12, "shortcomings": 0.1, "plans": 0.18}
    for number, (part, heading) in enumerate(PART_HEADINGS.items()):
        lines.append(f"{CN_NUMBERS[number]}、" + heading.format(year=year, next=year + 1))
        used = 0
        block = 0
        while used < budget[part] * target or block == 0:
            chosen = rng.choice(pools[part])
            text = [re.sub("|".join(SEED_PLACES), place, line) for line in chosen]
            text = [re.sub(r"20(2[0-5])年", lambda m: f"{year + int(m.group(1)) - 23}年", line)
                    for line in text]
            lines.append(f"({CN_NUMBERS[block % 10]}){text[0]}")
            lines.extend(text[1:])
            used += sum(len(line) for line in text)
            block += 1
        size += used
    lines += ["", agency, f"{year + 1}年{month}月{day}日"]
    del size
    return "\n".join(lines) + "\n"


def make_corpus(n: int, out: Path, *, seed: int = 0) -> list[Path]:
    """Write ``n`` reports to ``out`` as ``report_00000.txt``…; returns the paths."""
    rng = random.Random(seed)
    pools = _pools()
    agencies = _agencies(rng, max(1, n // 3))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(n):
        agency, place = agencies[i % len(agencies)] if i < len(agencies) else rng.choice(agencies)
        year = 2020 + (i // len(agencies)) % 6 if i < 6 * len(agencies) else rng.randint(2020, 2025)
        path = out / f"report_{i:05d}.txt"
        path.write_text(make_report(rng, agency, place, year, pools), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of reports")
    parser.add_argument("--out", type=Path, required=True, help="folder to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    paths = make_corpus(args.n, args.out, seed=args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} reports, {size / 1e6:.1f} MB in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
