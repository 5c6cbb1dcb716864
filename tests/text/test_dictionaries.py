"""Tests for users' dictionaries: read_dictionary on hand-written files, check_dictionary."""

from __future__ import annotations

import os
import warnings

import pandas as pd
import pytest

from analysis import paths
from analysis.text import TokenizerConfig, check_dictionary, read_dictionary, read_themes
from analysis.text import dictionaries as dicts


def pairs(frame: pd.DataFrame) -> list[tuple[str, str]]:
    assert list(frame.columns) == ["term", "category"]
    return list(zip(frame["term"], frame["category"], strict=True))


# A dictionary in cntext's YAML layout (cntext/io/data/*.yaml: Name, Desc, Refer, Category,
# Dictionary), written by hand.
CNTEXT_YAML = """\
Name: "法治词典"
Desc: 测试用的手写词典
Refer: 'nobody (2024)'
Category:
- 执法监督
- 普法宣传
Dictionary:
    执法监督:
    - 行政执法
    - 执法
    - 执法          # repeated within the category: kept once
    - "监督　"      # an ideographic space after the word: stripped
    普法宣传:
    - 普法
    - 执法          # also in the other category: kept in both
    - no            # YAML 1.1 would read these as a boolean and the integer 8
    - 010
"""


# --- YAML ---------------------------------------------------------------------------------------


def test_yaml_in_cntexts_layout(tmp_path):
    path = tmp_path / "fazhi.yaml"
    path.write_text(CNTEXT_YAML, encoding="utf-8")
    table = read_dictionary(path)
    assert pairs(table) == [("行政执法", "执法监督"), ("执法", "执法监督"), ("监督", "执法监督"),
                            ("普法", "普法宣传"), ("执法", "普法宣传"), ("no", "普法宣传"),
                            ("010", "普法宣传")]
    assert str(table["term"].dtype) == "str" and str(table["category"].dtype) == "str"
    # The same file under another suffix, with the format given or guessed from the Dictionary key.
    other = tmp_path / "fazhi.dic"
    other.write_text(CNTEXT_YAML, encoding="utf-8")
    pd.testing.assert_frame_equal(read_dictionary(other, format="yaml"), table)
    pd.testing.assert_frame_equal(read_dictionary(other), table)


BAD_YAML = [
    ("bad.yaml", "Name: x\nCategory: [a]\n",
     r"has no 'Dictionary' key .*found the keys \['Name', 'Category'\]"),
    ("bad.yaml", "- 执法\n- 普法\n", r"expected a YAML mapping with a 'Dictionary' key.*found a list"),
    ("bad.yaml", "Dictionary: [执法, 普法]\n", r"line 1: 'Dictionary' must map each category to a list of"
                                   " words, found a list"),
    # cntext's valence dictionaries map words to scores.
    ("bad.yaml", "Dictionary:\n  不安:\n    valence: 3.8\n    arousal: 5.4\n",
     r"line 2: '不安' maps to a mapping, not a list of words.*valence"),
    ("bad.yaml", "Dictionary:\n  执法:\n  - 行政执法\n  普法:\n", r"line 4: category '普法' has no words"),
    ("bad.yaml", "Dictionary:\n  执法: []\n", r"line 2: category '执法' has no words"),
    ("bad.yaml", "Dictionary:\n  执法: 行政执法\n", r"line 2: category '执法' must hold a list of words,"
                                        " found the single value '行政执法'"),
    ("bad.yaml", "Dictionary:\n  执法:\n  - [行政, 执法]\n", r"line 3: an entry of category '执法' is a list"),
    ("bad.yaml", "Dictionary:\n  执法:\n  - ''\n", r"line 3: an entry of category '执法' is empty"),
    ("bad.yaml", "Dictionary:\n  执法: [行政执法\n", r"is not valid YAML"),
    ("bad.yaml", "Dictionary:\n  执法: [a]\n---\nDictionary: {}\n", r"is not valid YAML.*single document"),
]


# --- tables -------------------------------------------------------------------------------------


def test_tsv_with_comments_blank_lines_extra_columns_and_bom(tmp_path):
    path = tmp_path / "dict.tsv"
    text = ("# made by hand\n"
            "term\tsource\tcategory\n"
            "行政执法\tmine\t执法\n"
            "\n"
            "  执法 \t\t 执法\n"
            "执法\tmine\t执法\n"
            "普法\tmine\t普法\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert pairs(read_dictionary(path)) == [("行政执法", "执法"), ("执法", "执法"), ("普法", "普法")]


def test_csv_quotes_and_the_shipped_theme_layout(tmp_path):
    path = tmp_path / "dict.csv"
    path.write_text('Term,Category\n"双随机、一公开",监管\n"a,b",其他\n', encoding="utf-8")
    assert pairs(read_dictionary(path)) == [("双随机、一公开", "监管"), ("a,b", "其他")]
    # term<TAB>theme, the layout of analysis/resources/themes.tsv.
    shipped = read_dictionary(paths.RESOURCES / "themes.tsv")
    expected = read_themes().rename(columns={"theme": "category"})
    assert pairs(shipped) == pairs(expected)
    # A .txt file whose first line is such a header is a table, not a word list.
    txt = tmp_path / "themes.txt"
    txt.write_text("term\ttheme\n普法\tlegal_publicity\n", encoding="utf-8")
    assert pairs(read_dictionary(txt)) == [("普法", "legal_publicity")]


@pytest.mark.parametrize(("name", "text", "message"), [*BAD_YAML,
    ("empty.txt", "\n  \n", r"empty.txt is empty"),
    ("comments.txt", "# nothing yet\n", r"comments.txt has no words \(category 'comments'\)"),
    ("tabbed.txt", "执法\t10\tn\n", r"tabbed.txt line 1: .* has a tab"),
    ("a.tsv", "词\t类\n执法\t执法\n", r"line 1: a TSV dictionary starts with a header naming the"
                                       r" columns 'term' and 'category' \(or 'theme'\); found"
                                       r" \['词', '类'\]"),
    ("a.csv", "term\n执法\n", r"line 1: a CSV dictionary starts with a header"),
    ("a.tsv", "term\tcategory\n执法\t执法\n# note\n普法\n", r"line 4: expected 2 fields"),
    ("a.tsv", "term\tcategory\n执法\t \n", r"line 2: the category is empty"),
    ("a.tsv", "term\ttheme\n\t执法\n", r"line 2: the term is empty"),
    ("a.tsv", "# only a comment\n", r"holds only comments: no header, no entries"),
    ("a.tsv", "term\tcategory\n# none yet\n", r"is empty: it has no \(term, category\) entries"),
])
def test_bad_files_are_named_with_line_and_reason(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as caught:
        read_dictionary(path)
    assert str(path) in str(caught.value)


# --- word lists ---------------------------------------------------------------------------------


def test_folder_of_word_lists_one_category_per_file(tmp_path):
    folder = tmp_path / "dict"
    folder.mkdir()
    (folder / "正面.txt").write_text("# positive\n依法\n\n 规范 \n依法\n", encoding="utf-8")
    # Real Chinese dictionaries come in GBK.
    (folder / "负面.txt").write_bytes("违法\n滥用职权\n执法不严\n".encode("gbk"))
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")  # skipped silently
    (folder / "README.md").write_text("about\n", encoding="utf-8")  # skipped with a warning
    with pytest.warns(UserWarning, match=r"skipped \['README.md'\]"):
        table = read_dictionary(folder)
    # Files in name order (正 U+6B63 before 负 U+8D1F), lines in file order, repeats once.
    assert pairs(table) == [("依法", "正面"), ("规范", "正面"), ("违法", "负面"),
                            ("滥用职权", "负面"), ("执法不严", "负面")]
    with pytest.warns(UserWarning, match="README.md"):
        pd.testing.assert_frame_equal(read_dictionary(folder, format="lines"), table)


def test_a_gbk_file_name_from_a_windows_zip_names_its_category(tmp_path):
    # Python surrogate-escapes the GBK bytes of such a name (pitfall 20).
    name = os.fsdecode("负面".encode("gbk") + b".txt")
    try:
        (tmp_path / name).write_text("违法\n", encoding="utf-8")
    except (UnicodeEncodeError, OSError):
        pytest.skip("this file system refuses non-UTF-8 names")
    assert pairs(read_dictionary(tmp_path)) == [("违法", "负面")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_one_word_list_file_in_every_encoding(tmp_path, encoding):
    path = tmp_path / "营商环境.txt"
    path.write_bytes("营商环境\n放管服\n一网通办\n优化营商环境\n".encode(encoding))
    assert pairs(read_dictionary(path)) == [("营商环境", "营商环境"), ("放管服", "营商环境"),
                                            ("一网通办", "营商环境"), ("优化营商环境", "营商环境")]


def test_bad_word_lists_and_paths(tmp_path):
    missing = tmp_path / "absent.yaml"
    with pytest.raises(FileNotFoundError, match="dictionary not found: .*absent.yaml"):
        read_dictionary(missing)
    binary = tmp_path / "model.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ValueError, match=r"model.txt is not a text file"):
        read_dictionary(binary)
    # Three broken bytes in a UTF-8 file: the report readers would replace them; a dictionary
    # would then hold a term with U+FFFD in it.
    broken = tmp_path / "broken.txt"
    broken.write_bytes("执法\n".encode() * 200 + b"\xe6\xb3\n" + "普法\n".encode() * 200)
    with pytest.raises(ValueError, match=r"broken.txt: .*replaced by U\+FFFD; save it again"):
        read_dictionary(broken)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "notes.md").write_text("x\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"folder has no .txt files .*\['notes.md'\]"):
        read_dictionary(folder)
    with pytest.raises(ValueError, match=r"is a folder: .*not format='yaml'"):
        read_dictionary(folder, format="yaml")
    words = tmp_path / "words.txt"
    words.write_text("执法\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"unknown dictionary format 'json'"):
        read_dictionary(words, format="json")


def test_size_and_entry_limits(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_text("执法\n普法\n行政执法\n", encoding="utf-8")
    monkeypatch.setattr(dicts, "MAX_DICTIONARY_BYTES", 10)
    with pytest.raises(ValueError, match=r"big.txt is 0.0 MB: files over 0 MB are refused"):
        read_dictionary(path)
    monkeypatch.setattr(dicts, "MAX_DICTIONARY_BYTES", 50 * 2**20)
    # YAML's node tree takes some 30 times the file: a lower limit.
    yaml_path = tmp_path / "big.yaml"
    yaml_path.write_text("Dictionary:\n  a: [执法, 普法]\n", encoding="utf-8")
    monkeypatch.setattr(dicts, "MAX_YAML_BYTES", 10)
    with pytest.raises(ValueError, match=r"big.yaml is 0.0 MB: YAML files over 0 MB are refused"):
        read_dictionary(yaml_path)
    assert pairs(read_dictionary(path)) == [("执法", "big"), ("普法", "big"), ("行政执法", "big")]
    monkeypatch.setattr(dicts, "MAX_YAML_BYTES", 10 * 2**20)
    # YAML aliases repeat one list under many keys: repeats count against the limit.
    monkeypatch.setattr(dicts, "MAX_DICTIONARY_ENTRIES", 5)
    aliased = tmp_path / "aliased.yaml"
    aliased.write_text("Dictionary:\n  a: &w [执法, 普法]\n  b: *w\n  c: *w\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"aliased.yaml has more than 5 entries"):
        read_dictionary(aliased)


def test_reading_never_warns_for_a_clean_folder(tmp_path):
    (tmp_path / "a.txt").write_text("执法\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert pairs(read_dictionary(tmp_path)) == [("执法", "a")]


# --- check_dictionary ---------------------------------------------------------------------------


def test_check_dictionary_shows_which_entries_stay_whole():
    # Checked with analysis.tokenize_text first: the lexicon keeps 习近平法治思想 and 行政执法
    # whole; stock jieba's dictionary splits 机器学习 and 投资决策辅助系统 (cntext's
    # digitalization dictionary), and a space always splits.
    dictionary = pd.DataFrame({
        "term": ["习近平法治思想", " 行政执法", "机器学习", "投资决策辅助系统", "行政 执法", "行政执法"],
        "category": ["政治", "执法", "数字", "数字", "执法", "执法"],
    })
    before = dictionary.copy()
    table = check_dictionary(dictionary)
    pd.testing.assert_frame_equal(dictionary, before)  # the input is not changed
    assert list(table.columns) == ["term", "category", "n_tokens", "tokens", "single_token"]
    # The stripped " 行政执法" and the later 行政执法 are one entry.
    assert table["term"].tolist() == ["习近平法治思想", "行政执法", "机器学习", "投资决策辅助系统",
                                      "行政 执法"]
    assert table["n_tokens"].tolist() == [1, 1, 2, 3, 2]
    assert table["tokens"].tolist() == ["习近平法治思想", "行政执法", "机器 学习",
                                        "投资决策 辅助 系统", "行政 执法"]
    assert table["single_token"].tolist() == [True, True, False, False, False]
    assert str(table["n_tokens"].dtype) == "int64" and table["single_token"].dtype == bool


def test_check_dictionary_with_the_tokenizer_of_the_reports():
    table = check_dictionary(pd.DataFrame({"term": ["机器学习"], "category": ["数字"]}),
                             config=TokenizerConfig(extra_terms=["机器学习"]))
    assert table["single_token"].tolist() == [True]


def test_check_dictionary_on_the_shipped_themes_and_on_nothing():
    themes = read_themes()
    table = check_dictionary(themes)
    assert table["category"].tolist() == themes["theme"].tolist()
    assert table["single_token"].all()  # test_resources checks the same, term by term
    empty = check_dictionary(pd.DataFrame({"term": [], "category": []}, dtype="str"))
    assert list(empty.columns) == ["term", "category", "n_tokens", "tokens", "single_token"]
    assert empty.empty
    with pytest.raises(ValueError, match=r"dictionary table lacks column\(s\) \['category'\]"):
        check_dictionary(pd.DataFrame({"term": ["执法"]}))
