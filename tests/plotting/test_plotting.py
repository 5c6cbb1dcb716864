"""Tests of analysis.plotting: CJK font, style, deterministic PNG files and the plot helpers.

Expected values are computed by hand in the comments next to each fixture or assertion.
"""

from __future__ import annotations

import collections
import re
import struct
import warnings
from pathlib import Path

import jieba
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from matplotlib import colors as mcolors
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis import paths, plotting
from analysis.plotting import change as plotting_change
from analysis.plotting import style as plotting_style

# No display in tests or CI; pyplot picks the backend at the first figure, so this is in time.
matplotlib.use("Agg")

MPLFONTS_FILE = "NotoSansCJKsc-Regular.otf"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def fresh_font_lookup():
    """Clear the cached font choice before and after a test that fakes the font sources."""
    plotting.find_cjk_font.cache_clear()
    yield
    plotting.find_cjk_font.cache_clear()


def _ytick_texts(ax: Axes) -> list[str]:
    # Tick labels come in tick order (positions 0, 1, ...); the bar plots invert the y axis,
    # so this is top to bottom.
    return [t.get_text() for t in ax.get_yticklabels()]


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return chunks


# ----------------------------------------------------------------------------------------------
# Font
# ----------------------------------------------------------------------------------------------


def test_font_is_the_open_licence_noto_file_from_mplfonts():
    path = plotting.find_cjk_font()
    assert path.name == MPLFONTS_FILE
    assert path.parent.name == "fonts" and path.parent.parent.name == "mplfonts"
    assert path.is_file()
    assert plotting.register_cjk_font() == "Noto Sans CJK SC"


def test_use_style_puts_the_cjk_font_first_and_resolves_to_its_file():
    plotting.use_style()
    rc = matplotlib.rcParams
    assert rc["font.family"][0] == "Noto Sans CJK SC"
    assert rc["font.sans-serif"][0] == "Noto Sans CJK SC"
    assert rc["axes.unicode_minus"] is False
    # The family list must lead matplotlib to the very file the word clouds use.
    found = font_manager.findfont(font_manager.FontProperties(family=rc["font.family"]))
    assert Path(found).resolve() == plotting.find_cjk_font()


def test_font_falls_back_to_a_system_cjk_font(monkeypatch, fresh_font_lookup):
    noto = plotting.find_cjk_font()
    dejavu = Path(font_manager.findfont("DejaVu Sans"))
    monkeypatch.setattr(plotting_style, "_bundled_font_path", lambda: None)
    # A system with DejaVu and a CJK family from the fallback list (here played by the Noto
    # file under its own family name): the CJK one must be chosen, DejaVu skipped.
    monkeypatch.setattr(
        font_manager.fontManager,
        "ttflist",
        [
            font_manager.FontEntry(fname=str(dejavu), name="DejaVu Sans"),
            font_manager.FontEntry(fname=str(noto), name="Noto Sans CJK SC"),
        ],
    )
    assert plotting.find_cjk_font() == noto


def test_missing_cjk_font_raises_a_clear_error(monkeypatch, fresh_font_lookup):
    dejavu = Path(font_manager.findfont("DejaVu Sans"))
    monkeypatch.setattr(plotting_style, "_bundled_font_path", lambda: None)
    monkeypatch.setattr(
        font_manager.fontManager,
        "ttflist",
        [font_manager.FontEntry(fname=str(dejavu), name="DejaVu Sans")],
    )
    with pytest.raises(plotting.CJKFontNotFoundError, match="no CJK font found.*mplfonts"):
        plotting.find_cjk_font()


def test_find_missing_glyphs_reports_only_uncovered_characters():
    # Noto Sans CJK SC covers the BMP ideographs 法 治 and ASCII, but not U+20000 (CJK
    # extension B); whitespace is ignored.
    assert plotting.find_missing_glyphs(["法治 政府", "A-1\n"]) == []
    assert plotting.find_missing_glyphs(["法治\U00020000"]) == ["\U00020000"]


def test_every_character_of_the_seed_reports_is_covered():
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(paths.SEEDS.glob("*.txt")))
    assert len(text) > 20_000  # the five seeds hold 24,729 characters (69,190 bytes)
    assert plotting.find_missing_glyphs([text]) == []


@pytest.fixture(scope="module")
def seed_top_terms() -> pd.DataFrame:
    """Top 30 words of the five seeds by stock jieba, as a term/n table.

    A private Tokenizer leaves jieba's global one untouched (pitfall 4); the project's own
    tokenizer replaces this later.
    """
    tokenizer = jieba.Tokenizer()
    counts: collections.Counter[str] = collections.Counter()
    for path in sorted(paths.SEEDS.glob("*.txt")):
        words = tokenizer.lcut(path.read_text(encoding="utf-8"))
        counts.update(w for w in words if re.fullmatch(r"\w{2,}", w))
    return pd.DataFrame(counts.most_common(30), columns=["term", "n"])


def test_seed_top_terms_render_with_the_cjk_font_and_no_missing_glyph(seed_top_terms, tmp_path):
    terms = seed_top_terms["term"].tolist()
    # The labels really are Chinese, so the test exercises CJK glyphs.
    assert sum(bool(re.search(r"[\u4e00-\u9fff]", t)) for t in terms) >= 25
    # Independent check of coverage: read the font's cmap with fontTools.
    with TTFont(str(plotting.find_cjk_font()), lazy=True) as font:
        cmap = font.getBestCmap()
    assert [ch for ch in "".join(terms) if ord(ch) not in cmap] == []

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any "Glyph ... missing" becomes an exception
        ax = plotting.plot_top_terms(seed_top_terms, top=30, title="高频词")
        fig = ax.get_figure()
        fig.canvas.draw()
        out = plotting.save_figure(fig, "02-seed-top-terms", figures_dir=tmp_path)
    assert out.is_file()
    labels = ax.get_yticklabels()
    # Bars run from the largest count down; equal counts go by term code point.
    expected = seed_top_terms.sort_values(["n", "term"], ascending=[False, True])["term"]
    assert [t.get_text() for t in labels] == expected.tolist()
    for label in labels[:3]:
        used = font_manager.findfont(label.get_fontproperties())
        assert Path(used).resolve() == plotting.find_cjk_font()


def test_missing_glyph_check_fails_without_the_cjk_font():
    # Control for the test above: the same check does fire when Chinese meets DejaVu Sans.
    plotting.use_style()
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}), warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, ax = plt.subplots()
        ax.set_title("法治政府")
        with pytest.raises(UserWarning, match="missing from font"):
            fig.canvas.draw()


# ----------------------------------------------------------------------------------------------
# Word cloud
# ----------------------------------------------------------------------------------------------

CLOUD = pd.DataFrame({"term": ["法治", "执法", "普法", "政府"], "n": [9, 7, 4, 2]})


def test_wordcloud_uses_the_same_font_file_and_is_reproducible():
    cloud = plotting.build_wordcloud(CLOUD, width=300, height=150, random_state=0)
    assert cloud.font_path == str(plotting.find_cjk_font())
    assert sorted(w for (w, _), *_ in cloud.layout_) == sorted(CLOUD["term"])
    again = plotting.build_wordcloud(CLOUD, width=300, height=150, random_state=0)
    assert np.array_equal(cloud.to_array(), again.to_array())
    other = plotting.build_wordcloud(CLOUD, width=300, height=150, random_state=1)
    assert not np.array_equal(cloud.to_array(), other.to_array())


def test_plot_wordcloud_draws_that_cloud_and_accepts_a_mapping():
    ax = plotting.plot_wordcloud(CLOUD, width=300, height=150, random_state=3)
    expected = plotting.build_wordcloud(CLOUD, width=300, height=150, random_state=3)
    assert np.array_equal(np.asarray(ax.images[0].get_array()), expected.to_array())
    from_dict = plotting.plot_wordcloud(
        dict(zip(CLOUD["term"], CLOUD["n"], strict=True)), width=300, height=150, random_state=3
    )
    assert np.array_equal(np.asarray(from_dict.images[0].get_array()), expected.to_array())


def test_wordcloud_rejects_bad_input():
    with pytest.raises(TypeError, match="random_state must be an int"):
        plotting.build_wordcloud(CLOUD, random_state=None)
    with pytest.raises(ValueError, match="no term with a positive frequency"):
        plotting.build_wordcloud(CLOUD.assign(n=0))


# ----------------------------------------------------------------------------------------------
# save_figure
# ----------------------------------------------------------------------------------------------

TERMS = pd.DataFrame({"term": ["法治", "执法", "普法"], "n": [5, 3, 4]})


def test_save_figure_is_byte_identical_and_carries_no_metadata(tmp_path):
    first = plotting.save_figure(
        plotting.plot_top_terms(TERMS), "02-top-terms", figures_dir=tmp_path / "a"
    )
    second = plotting.save_figure(
        plotting.plot_top_terms(TERMS), "02-top-terms", figures_dir=tmp_path / "b"
    )
    assert first == tmp_path / "a" / "02-top-terms.png"
    data = first.read_bytes()
    assert data == second.read_bytes()
    chunks = _png_chunks(data)
    kinds = {kind for kind, _ in chunks}
    assert kinds <= {b"IHDR", b"pHYs", b"IDAT", b"IEND"}  # no tEXt/iTXt/zTXt/tIME
    assert b"Matplotlib" not in data and b"Software" not in data
    # pHYs holds pixels per metre: 150 dpi / 0.0254 m = 5905.5, rounded to 5906.
    phys = dict(chunks)[b"pHYs"]
    assert struct.unpack(">IIB", phys) == (5906, 5906, 1)
    assert not list(tmp_path.glob("*/.*"))  # no temporary file left behind


def test_save_figure_accepts_axes_and_overwrites_identically(tmp_path):
    ax = plotting.plot_top_terms(TERMS)
    path = plotting.save_figure(ax, "01-a", figures_dir=tmp_path)
    before = path.read_bytes()
    assert plotting.save_figure(ax.get_figure(), "01-a", figures_dir=tmp_path) == path
    assert path.read_bytes() == before


def test_save_figure_directory_precedence(tmp_path, monkeypatch):
    fig = plotting.plot_top_terms(TERMS).get_figure()
    monkeypatch.setattr(paths, "FIGURES", tmp_path / "committed")
    monkeypatch.setattr(paths, "SCRATCH_FIGURES", tmp_path / "scratch")
    monkeypatch.delenv(plotting.FIGURES_ENV, raising=False)
    # Without a folder or the environment, a figure goes to scratch, never to the committed.
    assert plotting.save_figure(fig, "03-x") == tmp_path / "scratch" / "03-x.png"
    assert not (tmp_path / "committed").exists()
    monkeypatch.setenv(plotting.FIGURES_ENV, str(tmp_path / "env"))
    assert plotting.save_figure(fig, "03-x") == tmp_path / "env" / "03-x.png"
    # A relative override is taken from the repository root, not the working directory.
    monkeypatch.setattr(paths, "ROOT", tmp_path / "repo")
    monkeypatch.setenv(plotting.FIGURES_ENV, "out/figs")
    assert plotting.save_figure(fig, "03-x") == tmp_path / "repo" / "out" / "figs" / "03-x.png"
    # An explicit folder wins over the environment.
    explicit = plotting.save_figure(fig, "03-x", figures_dir=tmp_path / "arg")
    assert explicit == tmp_path / "arg" / "03-x.png" and explicit.is_file()


@pytest.mark.parametrize(
    "name",
    [
        "",
        "2-top-terms",
        "002-top-terms",
        "02",
        "02-",
        "02--top",
        "02_top_terms",
        "02-Top-Terms",
        "02-top terms",
        "02-top-terms.png",
        "../02-top-terms",
        "02-高频词",
        "top-terms-02",
    ],
)
def test_save_figure_rejects_bad_names_in_the_curated_folder(name, tmp_path, monkeypatch):
    # The curated figures folder keeps the NN-slug pattern of the notebooks' figures.
    monkeypatch.setattr(paths, "FIGURES", tmp_path)
    fig = plotting.plot_top_terms(TERMS).get_figure()
    with pytest.raises(ValueError, match="NN-slug-name|not a file name"):
        plotting.save_figure(fig, name, figures_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_save_figure_takes_any_file_name_elsewhere_and_three_formats(tmp_path):
    fig = plotting.plot_top_terms(TERMS).get_figure()
    first = plotting.save_figure(fig, "我的 figure", figures_dir=tmp_path,
                                 formats=("png", "svg", "pdf"))
    assert first == tmp_path / "我的 figure.png"
    files = {p.suffix: p.read_bytes() for p in tmp_path.iterdir()}
    assert set(files) == {".png", ".svg", ".pdf"}
    assert files[".png"].startswith(b"\x89PNG") and files[".pdf"].startswith(b"%PDF")
    # The Chinese shows without the font: SVG text as outlines, PDF glyphs embedded (Type 3).
    assert b"<text" not in files[".svg"] and b"<path" in files[".svg"]
    assert b"/Type3" in files[".pdf"] and b"CreationDate" not in files[".pdf"]
    # Byte for byte the same on a second save.
    plotting.save_figure(fig, "我的 figure", figures_dir=tmp_path, formats=("svg", "pdf"))
    assert {p.suffix: p.read_bytes() for p in tmp_path.iterdir()} == files
    for bad in ["../x", "", ".hidden"]:
        with pytest.raises(ValueError, match="not a file name"):
            plotting.save_figure(fig, bad, figures_dir=tmp_path)
    with pytest.raises(ValueError, match="formats must be"):
        plotting.save_figure(fig, "x", figures_dir=tmp_path, formats=("jpg",))


def test_save_figure_rejects_non_figures(tmp_path):
    with pytest.raises(TypeError, match="expects a matplotlib Figure"):
        plotting.save_figure("not a figure", "01-x", figures_dir=tmp_path)


# ----------------------------------------------------------------------------------------------
# plot_top_terms
# ----------------------------------------------------------------------------------------------

# Per report:  A: 法治 5, 普法 4, 执法 3  ->  法治, 普法, 执法
#              B: 执法 7, 普法 2, 法治 1  ->  执法, 普法, 法治
#              C: 案件 2, 规范 2 (tie)     ->  案件 (U+6848) before 规范 (U+89C4)
# Summed over reports the order would be 执法 10, 法治 6, 普法 6: different from A and B, so a
# single global order would put at least one panel wrong.
FACETED = pd.DataFrame(
    {
        "doc_id": ["A", "A", "A", "B", "B", "B", "C", "C"],
        "term": ["法治", "执法", "普法", "法治", "执法", "普法", "规范", "案件"],
        "n": [5, 3, 4, 1, 7, 2, 2, 2],
    }
)


def test_facets_are_ordered_within_each_facet():
    fig = plotting.plot_top_terms(FACETED, facet="doc_id", top=3, ncols=2)
    assert isinstance(fig, Figure)
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["A", "B", "C"]  # unused panel gone
    a, b, c = fig.axes
    assert _ytick_texts(a) == ["法治", "普法", "执法"]
    assert _ytick_texts(b) == ["执法", "普法", "法治"]
    assert _ytick_texts(c) == ["案件", "规范"]
    # The bars follow their labels: widths top to bottom are the panel's own values.
    assert [p.get_width() for p in a.patches] == [5, 4, 3]
    assert [p.get_width() for p in b.patches] == [7, 2, 1]


def test_facets_top_and_order_options():
    # C is absent from facet_order -> rejected; with C dropped: B then A, two bars each.
    with pytest.raises(ValueError, match="not in the given order"):
        plotting.plot_top_terms(FACETED, facet="doc_id", facet_order=["B", "A"])
    fig = plotting.plot_top_terms(
        FACETED[FACETED["doc_id"] != "C"], facet="doc_id", top=2, facet_order=["B", "A"]
    )
    b, a = fig.axes
    assert (b.get_title(loc="left"), a.get_title(loc="left")) == ("B", "A")
    assert _ytick_texts(b) == ["执法", "普法"]
    assert _ytick_texts(a) == ["法治", "普法"]


def test_top_terms_single_panel_and_errors():
    ax = plotting.plot_top_terms(TERMS, top=2)
    # 法治 5, 普法 4, 执法 3 -> top 2: 法治, 普法
    assert _ytick_texts(ax) == ["法治", "普法"]
    with pytest.raises(ValueError, match="several rows share"):
        plotting.plot_top_terms(FACETED)  # terms repeat across reports without facet=
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['rate_per_10k'\]"):
        plotting.plot_top_terms(TERMS, value="rate_per_10k")
    with pytest.raises(ValueError, match="ax cannot be used with facet"):
        plotting.plot_top_terms(FACETED, facet="doc_id", ax=plt.subplots()[1])


# ----------------------------------------------------------------------------------------------
# Other plots
# ----------------------------------------------------------------------------------------------

# A: measures 60, shortcomings 20, plans 20 (total 100) -> 0.6, 0.2, 0.2
# B: measures 30, shortcomings 10 + 20 = 30, no plans (total 60) -> 0.5, 0.5, 0.0
PARTS = pd.DataFrame(
    {
        "doc_id": ["A", "A", "A", "B", "B", "B"],
        "part": ["measures", "shortcomings", "plans", "measures", "shortcomings", "shortcomings"],
        "n_chars": [60, 20, 20, 30, 10, 20],
    }
)


def test_stacked_shares_values_order_and_legend_outside():
    ax = plotting.plot_stacked_shares(
        PARTS,
        index="doc_id",
        columns="part",
        values="n_chars",
        order=["measures", "shortcomings", "plans"],
        labels={"shortcomings": "存在的不足"},
    )
    # Patches come segment by segment, rows A then B.
    widths = [round(p.get_width(), 9) for p in ax.patches]
    lefts = [round(p.get_x(), 9) for p in ax.patches]
    assert widths == [0.6, 0.5, 0.2, 0.5, 0.2, 0.0]
    assert lefts == [0.0, 0.0, 0.6, 0.5, 0.8, 1.0]
    assert _ytick_texts(ax) == ["A", "B"]
    legend = ax.get_legend()
    # The user's label wins; the other part ids show their Chinese names (analysis.labels).
    assert [t.get_text() for t in legend.get_texts()] == ["举措和成效", "存在的不足", "下一年度安排"]
    # Segments below 6% get no label (B's empty plans segment).
    assert [t.get_text() for t in ax.texts] == ["60%", "50%", "20%", "50%", "20%", ""]
    fig = ax.get_figure()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert legend.get_window_extent(renderer).x0 >= ax.get_window_extent(renderer).x1


def test_stacked_shares_rejects_negative_and_empty_rows():
    with pytest.raises(ValueError, match="negative values"):
        plotting.plot_stacked_shares(
            PARTS.assign(n_chars=-1), index="doc_id", columns="part", values="n_chars"
        )
    with pytest.raises(ValueError, match=r"rows \['A'\] have a total of 0"):
        plotting.plot_stacked_shares(
            PARTS.assign(n_chars=[0, 0, 0, 1, 1, 1]),
            index="doc_id",
            columns="part",
            values="n_chars",
        )


# Rows sorted X, Y; columns sorted by code point: 执 (U+6267) before 法 (U+6CD5).
# Y has no 执法 row -> filled with 0.
RATES = pd.DataFrame(
    {
        "agency_short": ["X", "X", "Y"],
        "term": ["法治", "执法", "法治"],
        "rate_per_10k": [1.5, 2.0, 3.0],
    }
)


def test_heatmap_cells_follow_sorted_rows_and_columns():
    ax = plotting.plot_heatmap(
        RATES, index="agency_short", columns="term", values="rate_per_10k", annotate=True
    )
    assert _ytick_texts(ax) == ["X", "Y"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["执法", "法治"]
    # Row-major cells: X执法 2.0, X法治 1.5, Y执法 0.0 (filled), Y法治 3.0
    cells = np.asarray(ax.collections[0].get_array()).ravel().tolist()
    assert cells == [2.0, 1.5, 0.0, 3.0]
    assert [t.get_text() for t in ax.texts] == ["2.0", "1.5", "0.0", "3.0"]
    with pytest.raises(ValueError, match="several rows share"):
        plotting.plot_heatmap(
            pd.concat([RATES, RATES]), index="agency_short", columns="term", values="rate_per_10k"
        )


def test_heatmap_leaves_a_cell_without_value_blank():
    # Y执法 has no value: with fill_value=None it stays empty, and no grid line crosses it.
    plotting.use_style()
    ax = plotting.plot_heatmap(RATES, index="agency_short", columns="term",
                               values="rate_per_10k", fill_value=None, annotate=True)
    cells = np.asarray(ax.collections[0].get_array(), dtype=float).ravel()
    assert np.isnan(cells[2]) and cells[[0, 1, 3]].tolist() == [2.0, 1.5, 3.0]
    assert [t.get_text() for t in ax.texts] == ["2.0", "1.5", "3.0"]
    assert not any(line.get_visible() for line in ax.get_xgridlines() + ax.get_ygridlines())


def test_heatmap_title_wraps_to_the_width_of_few_columns():
    # Two columns leave room for 12 Chinese characters a line (the minimum): the title
    # breaks between words instead of running into the colour bar's label.
    title = "可读性 Readability by level and part (2000 reports)"
    ax = plotting.plot_heatmap(RATES, index="agency_short", columns="term",
                               values="rate_per_10k", title=title)
    lines = _title(ax).split("\n")
    assert len(lines) > 1 and " ".join(lines) == title
    short = plotting.plot_heatmap(RATES, index="agency_short", columns="term",
                                  values="rate_per_10k", title="可读性 Readability")
    assert _title(short) == "可读性 Readability"


def _title(ax) -> str:
    # The house style puts titles on the left; without it they are centred.
    return "".join(ax.get_title(loc=loc) for loc in ("left", "center", "right"))


# a~b 0.9 and c~d 0.8 are close pairs; every cross pair is 0.1. Listed once per pair.
SIMILARITY = pd.DataFrame(
    {
        "doc_a": ["a", "a", "a", "b", "b", "c"],
        "doc_b": ["b", "c", "d", "c", "d", "d"],
        "similarity": [0.9, 0.1, 0.1, 0.1, 0.1, 0.8],
    }
)


def _heatmap_order(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[1].get_yticklabels()]


def test_clustered_similarity_keeps_close_pairs_together():
    fig = plotting.plot_clustered_similarity(SIMILARITY)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    order = _heatmap_order(fig)
    assert sorted(order) == ["a", "b", "c", "d"]
    assert abs(order.index("a") - order.index("b")) == 1
    assert abs(order.index("c") - order.index("d")) == 1
    # Columns follow rows, so the diagonal (1.0) runs top-left to bottom-right.
    cells = np.asarray(fig.axes[1].collections[0].get_array()).reshape(4, 4)
    assert np.diag(cells).tolist() == [1.0, 1.0, 1.0, 1.0]
    assert [t.get_text() for t in fig.axes[1].get_xticklabels()] == order


def test_clustered_similarity_square_input_and_determinism():
    long_fig = plotting.plot_clustered_similarity(SIMILARITY)
    square = pd.DataFrame(
        [[1.0, 0.9, 0.1, 0.1], [0.9, 1.0, 0.1, 0.1], [0.1, 0.1, 1.0, 0.8], [0.1, 0.1, 0.8, 1.0]],
        index=list("abcd"),
        columns=list("abcd"),
    )
    # Rows given in a shuffled order must not change the result.
    square_fig = plotting.plot_clustered_similarity(square.loc[list("dbca"), list("cadb")])
    assert _heatmap_order(long_fig) == _heatmap_order(square_fig)
    assert np.array_equal(
        np.asarray(long_fig.axes[1].collections[0].get_array()),
        np.asarray(square_fig.axes[1].collections[0].get_array()),
    )
    asymmetric = square.copy()
    asymmetric.loc["a", "b"] = 0.5
    with pytest.raises(ValueError, match="not symmetric"):
        plotting.plot_clustered_similarity(asymmetric)
    with pytest.raises(ValueError, match="some pairs have no similarity"):
        plotting.plot_clustered_similarity(SIMILARITY.iloc[1:])


# top=2: positives 甲 2.0, 己 1.0 (丙 0.5 is third); negatives 丁 -3.0, 乙 -1.0; 戊 0.0 dropped.
# Top to bottom by value: 甲, 己, 乙, 丁.
KEYNESS = pd.DataFrame(
    {
        "term": ["甲", "乙", "丙", "丁", "戊", "己"],
        "log_odds": [2.0, -1.0, 0.5, -3.0, 0.0, 1.0],
        "n": [10, 20, 30, 40, 50, 60],
    }
)


def test_diverging_bars_order_colours_and_counts():
    ax = plotting.plot_diverging_bars(KEYNESS, top=2, annotate="n", labels=("上升", "下降"))
    assert _ytick_texts(ax) == ["甲", "己", "乙", "丁"]
    assert [p.get_width() for p in ax.patches[:4]] == [2.0, 1.0, -1.0, -3.0]
    pos, neg = (mcolors.to_rgba(c) for c in (plotting_style.POSITIVE_COLOR, plotting_style.NEGATIVE_COLOR))
    assert [p.get_facecolor() for p in ax.patches[:4]] == [pos, pos, neg, neg]
    assert [t.get_text() for t in ax.texts] == ["10", "60", "20", "40"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["上升", "下降"]


def test_diverging_bars_write_each_sides_own_count():
    # Guards: annotate="n_target" wrote the target's counts beside the reference's bars.
    frame = KEYNESS.assign(n_target=[1, 2, 3, 4, 5, 6], n_reference=[7, 8, 9, 10, 11, 12])
    ax = plotting.plot_diverging_bars(frame, top=2, annotate=("n_target", "n_reference"))
    # 甲 (+, n_target 1), 己 (+, 6), 乙 (-, n_reference 8), 丁 (-, 10).
    assert [t.get_text() for t in ax.texts] == ["1", "6", "8", "10"]
    with pytest.raises(ValueError, match="pair of columns"):
        plotting.plot_diverging_bars(frame, annotate=("n_target",))


# c1: g1 = 1, g2 = 2; c2: g1 = 3, g2 missing. Two groups -> bar slot 0.8 / 2 = 0.4:
# g1 centres at y - 0.2, g2 at y + 0.2.
GROUPED = pd.DataFrame(
    {"indicator": ["c1", "c1", "c2"], "agency_short": ["g1", "g2", "g1"], "value": [1, 2, 3]}
)


def test_bar_by_group_geometry():
    ax = plotting.plot_bar_by_group(
        GROUPED, category="indicator", group="agency_short", value="value", annotate=True
    )
    bars = [(round(p.get_y() + p.get_height() / 2, 9), p.get_width()) for p in ax.patches]
    assert bars == [(-0.2, 1.0), (0.8, 3.0), (0.2, 2.0)]
    assert _ytick_texts(ax) == ["c1", "c2"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["g1", "g2"]
    assert [t.get_text() for t in ax.texts] == ["1", "3", "2"]


# 甲 rises 10 -> 20, 乙 falls 30 -> 5; lines in sorted term order: 乙 (U+4E59), 甲 (U+7532).
SLOPE = pd.DataFrame(
    {"term": ["甲", "甲", "乙", "乙"], "year": [2022, 2023, 2022, 2023], "rate": [10, 20, 30, 5]}
)


def test_slope_lines_colours_and_labels():
    ax = plotting.plot_slope(SLOPE, value="rate")
    assert [line.get_label() for line in ax.lines] == ["乙", "甲"]
    assert ax.lines[0].get_ydata().tolist() == [30.0, 5.0]
    assert mcolors.to_hex(ax.lines[0].get_color()) == plotting_style.NEGATIVE_COLOR
    assert mcolors.to_hex(ax.lines[1].get_color()) == plotting_style.POSITIVE_COLOR
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2022", "2023"]
    assert sorted(t.get_text() for t in ax.texts) == ["乙", "乙", "甲", "甲"]
    with pytest.raises(ValueError, match="at least two levels"):
        plotting.plot_slope(SLOPE[SLOPE["year"] == 2022], value="rate")


def test_spread_separates_close_labels_around_their_mean():
    # 0 and 0.1 are closer than the gap 1: merged, centred on 0.05 -> -0.45 and 0.55;
    # 5 is far enough and stays. Input order is kept.
    placed = plotting_change._spread(np.array([0.1, 5.0, 0.0]), 1.0)
    assert np.allclose(placed, [0.55, 5.0, -0.45])
    # Three at the same place, gap 2 -> centred block -2, 0, 2.
    assert np.allclose(plotting_change._spread(np.array([0.0, 0.0, 0.0]), 2.0), [-2.0, 0.0, 2.0])


# ----------------------------------------------------------------------------------------------
# Return types and immutability
# ----------------------------------------------------------------------------------------------

CASES = [
    (lambda d: plotting.plot_top_terms(d), TERMS, Axes),
    (lambda d: plotting.plot_top_terms(d, facet="doc_id"), FACETED, Figure),
    (lambda d: plotting.plot_wordcloud(d, width=200, height=100), CLOUD, Axes),
    (
        lambda d: plotting.plot_stacked_shares(d, index="doc_id", columns="part", values="n_chars"),
        PARTS,
        Axes,
    ),
    (
        lambda d: plotting.plot_heatmap(
            d, index="agency_short", columns="term", values="rate_per_10k"
        ),
        RATES,
        Axes,
    ),
    (lambda d: plotting.plot_clustered_similarity(d), SIMILARITY, Figure),
    (lambda d: plotting.plot_diverging_bars(d, annotate="n"), KEYNESS, Axes),
    (
        lambda d: plotting.plot_bar_by_group(
            d, category="indicator", group="agency_short", value="value"
        ),
        GROUPED,
        Axes,
    ),
    (lambda d: plotting.plot_slope(d, value="rate"), SLOPE, Axes),
    (lambda d: plotting.plot_histogram(d, value="days_late", bin_width=7, reference=0),
     pd.DataFrame({"days_late": pd.array([-8, 0, 3, None], dtype="Int64")}), Axes),
]


@pytest.mark.parametrize(("plot", "frame", "kind"), CASES)
def test_plots_return_their_type_and_leave_the_input_alone(plot, frame, kind):
    original = frame.copy(deep=True)
    result = plot(frame)
    assert isinstance(result, kind)
    pd.testing.assert_frame_equal(frame, original)


def test_histogram_bins_end_at_the_reference_and_colour_each_side():
    # Days around a deadline, in weeks (a, b]: -8 and -7 are in (-14, -7], 0 in (-7, 0] (a
    # report published on the deadline is on time), 1 and 6 in (0, 7], none in (7, 14], 15
    # in (14, 21]; NA is not drawn.
    frame = pd.DataFrame({"days_late": pd.array([-8, -7, 0, 1, 6, 15, None], dtype="Int64")})
    ax = plotting.plot_histogram(frame, value="days_late", bin_width=7, reference=0,
                                 reference_label="4月1日")
    bars = [(patch.get_x(), patch.get_height()) for patch in ax.patches]
    assert bars == [(-14, 2), (-7, 1), (0, 2), (7, 0), (14, 1)]
    # With no value past the reference, one empty bar still shows the late side.
    early = plotting.plot_histogram(frame[frame["days_late"] < 0], value="days_late",
                                    bin_width=7, reference=0)
    assert [(p.get_x(), p.get_height()) for p in early.patches] == [(-14, 2), (-7, 0), (0, 0)]
    colors = [mcolors.to_hex(patch.get_facecolor()) for patch in ax.patches]
    assert colors[:2] == [plotting_style.NEGATIVE_COLOR] * 2
    assert colors[2:] == [plotting_style.POSITIVE_COLOR] * 3
    assert [line.get_xdata()[0] for line in ax.lines] == [0]
    assert ax.get_xlabel() == "距4月1日期限天数" and ax.texts[0].get_text() == "4月1日"
    empty = plotting.plot_histogram(frame.iloc[:0], value="days_late", reference=0)
    assert len(empty.patches) == 0 and empty.texts[0].get_text() == "no values"
    with pytest.raises(ValueError, match="bin_width must be positive"):
        plotting.plot_histogram(frame, value="days_late", bin_width=0)
    with pytest.raises(ValueError, match="must be numeric"):
        plotting.plot_histogram(pd.DataFrame({"x": ["a"]}), value="x")


def test_plots_draw_on_a_given_axes():
    fig, ax = plt.subplots()
    assert plotting.plot_top_terms(TERMS, ax=ax) is ax
    assert plotting.plot_diverging_bars(KEYNESS, ax=ax) is ax


# ----------------------------------------------------------------------------------------------
# Labels
# ----------------------------------------------------------------------------------------------


def test_wrap_label():
    assert plotting.wrap_label("法治", width=6) == "法治"
    # 11 Chinese characters, 6 per line -> 6 + 5.
    assert plotting.wrap_label("厦门市海沧区城市管理局", width=6) == "厦门市海沧区\n城市管理局"
    # One line only: 5 characters (10 columns) + "…" (1 column) fit in 12 columns.
    assert plotting.wrap_label("厦门市海沧区城市管理局", width=6, max_lines=1) == "厦门市海沧…"
    # "2023" counts as 2 characters and is not split: "2023年" fills 3, then "度报告".
    assert plotting.wrap_label("2023年度报告", width=3) == "2023年\n度报告"
    with pytest.raises(ValueError, match="at least 1"):
        plotting.wrap_label("法治", width=0)


def test_plot_functions_leave_global_settings_alone():
    import matplotlib as mpl

    with mpl.rc_context({"font.size": 7.0, "axes.titlelocation": "center"}):
        before = dict(mpl.rcParams)
        ax = plotting.plot_top_terms(TERMS, top=2, title="标题")
        assert dict(mpl.rcParams) == before
        # ...while the figure itself was drawn in the project's style.
        assert ax.title.get_text() == "" and ax._left_title.get_text() == "标题"
        assert ax.yaxis.get_label().get_fontsize() == 12.0
    plt.close("all")


def test_display_labels_name_ids_in_chinese_and_say_missing():
    from analysis.labels import MISSING_LABEL, display, display_labels

    assert display("business_environment") == "营商环境"
    assert display("shortcomings") == "不足和原因"
    assert display("county") == "县级"
    assert display("fines") == "罚款"
    assert display(float("nan")) == MISSING_LABEL
    assert display(None) == MISSING_LABEL
    assert display(2024) == "2024"
    assert display("江门市城管执法局") == "江门市城管执法局"
    assert display_labels(["plans", "x"], {"x": "自定义"}) == ["下一年度安排", "自定义"]
    # A heatmap's theme ticks read in Chinese, not "business_ environment".
    themes = pd.DataFrame({"label": ["甲", "甲"], "theme": ["business_environment", "enforcement"],
                           "rate": [1.0, 2.0]})
    ax = plotting.plot_heatmap(themes, index="label", columns="theme", values="rate")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["营商环境", "行政执法"]
    plt.close("all")


def test_legend_titles_can_be_set():
    # Guards: the legend title was the column name ("part", "label") and could not be set.
    ax = plotting.plot_bar_by_group(GROUPED, category="indicator", group="agency_short",
                                    value="value", legend_title="机构")
    assert ax.get_legend().get_title().get_text() == "机构"
    default = plotting.plot_bar_by_group(GROUPED, category="indicator", group="agency_short",
                                         value="value")
    # By default a known column is titled in Chinese, an unknown one by its name.
    assert default.get_legend().get_title().get_text() == "机构"
    assert default.get_xlabel() == "value"
    shares = pd.DataFrame({"doc": ["a", "a"], "part": ["measures", "plans"], "n": [3, 1]})
    ax = plotting.plot_stacked_shares(shares, index="doc", columns="part", values="n",
                                      legend_title="部分")
    assert ax.get_legend().get_title().get_text() == "部分"
    default = plotting.plot_stacked_shares(shares, index="doc", columns="part", values="n")
    assert default.get_legend().get_title().get_text() == "报告部分"
    assert default.get_xlabel() == "占比"
    counts = pd.DataFrame({"term": ["法治", "执法"], "n": [5, 3]})
    assert plotting.plot_top_terms(counts).get_xlabel() == "次数"
