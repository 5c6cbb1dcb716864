"""show_table: tables that read at notebook width, in untrusted notebooks too."""

from __future__ import annotations

import re

import pandas as pd

from analysis import show_table

FRAME = pd.DataFrame({"label": ["海沧区城管局", "长治市城管局"],
                      "sentence": ["截止11月份,共办理行政处罚案件814起。", "罚款150余万元。"],
                      "n": [814, 1500], "share": [0.12345, None],
                      "value": [1_500_000.0, 3e-05]})


def _cells(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<td style="([^"]*)">([^<]*)</td>', html)


def test_styles_are_inline_text_left_and_wrapped_numbers_right():
    html = show_table(FRAME)._repr_html_()
    # No <style> block: JupyterLab strips it from untrusted output; the styles are on cells.
    assert "<style" not in html
    first_row = _cells(html)[:5]
    assert [style.split(";")[0] for style, _ in first_row] == [
        "text-align: left", "text-align: left", "text-align: right", "text-align: right",
        "text-align: right"]
    assert "white-space: normal" in first_row[1][0] and "max-width: 24em" in first_row[1][0]
    # 814 and 1,500 with separators; 0.123 at 3 decimals; a whole float as an integer; a tiny
    # one in scientific notation; a missing value blank.
    assert [text for _, text in _cells(html)] == [
        "海沧区城管局", "截止11月份,共办理行政处罚案件814起。", "814", "0.123", "1,500,000",
        "长治市城管局", "罚款150余万元。", "1,500", "", "3.0e-05"]


def test_align_overrides_and_text_is_escaped():
    frame = pd.DataFrame({"left": ["学习了《"], "term": ["行政复议"], "right": ["法》<等>"]})
    html = show_table(frame, align={"left": "right"})._repr_html_()
    assert [style.split(";")[0] for style, _ in _cells(html)] == [
        "text-align: right", "text-align: left", "text-align: left"]
    assert "法》&lt;等&gt;" in html


def test_rows_left_out_are_said_and_a_named_index_is_shown():
    long = pd.DataFrame({"n": range(120)})
    table = show_table(long, max_rows=50)
    assert table._repr_html_().count("<tr>") == 51  # header + 50 rows
    assert "(70 more rows not shown)" in table._repr_html_()
    assert "(70 more rows not shown)" in repr(table)
    assert show_table(long, max_rows=None)._repr_html_().count("<tr>") == 121
    named = show_table(FRAME.set_index("label"))._repr_html_()
    assert "<th style" in named and ">label</th>" in named


def test_snake_case_headers_may_break_after_underscores():
    # n_unknown_timing has no space to wrap at and ran into the next header in JupyterLab.
    html = show_table(pd.DataFrame({"n_unknown_timing": [1], "share_late": [0.5]}))._repr_html_()
    assert ">n_<wbr>unknown_<wbr>timing</th>" in html and ">share_<wbr>late</th>" in html


def test_the_output_is_the_same_on_every_run_and_the_input_is_untouched():
    before = FRAME.copy()
    assert show_table(FRAME)._repr_html_() == show_table(FRAME.copy())._repr_html_()
    assert repr(show_table(FRAME)) == repr(show_table(FRAME.copy()))
    pd.testing.assert_frame_equal(FRAME, before)


def test_headers_follow_their_column_and_html_columns_are_kept():
    html = show_table(FRAME)._repr_html_()
    sides = re.findall(r'<th style="text-align: (\w+);', html)
    assert sides == ["left", "left", "right", "right", "right"]
    frame = pd.DataFrame({"evidence": ["<details><summary>814起</summary>句子</details>"],
                          "note": ["<b>not html</b>"]})
    out = show_table(frame, html_columns=["evidence"])._repr_html_()
    assert "<details><summary>814起</summary>句子</details>" in out
    assert "&lt;b&gt;not html&lt;/b&gt;" in out
