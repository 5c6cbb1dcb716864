"""Pages in traditional characters: detected, read in simplified characters, same tables."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import load_corpus
from analysis.ingest.script import detect_script, to_simplified

# A township report written by hand in the layout of a 政府信息公开 page, in simplified
# characters, and the same page as a 繁體 site serves it (written by hand, not converted).
SIMPLIFIED = """大坪乡2024年法治政府建设情况报告
发布时间:2025-03-20 信息来源:大坪乡人民政府
2024年,大坪乡在县委、县政府的坚强领导下,深入学习贯彻习近平法治思想,扎实推进法治政府建设。现将有关情况报告如下:
一、主要举措和成效
(一)加强行政执法。全年办理行政处罚案件12起,罚款3.5万元。
二、存在的不足和原因
一是法治宣传的针对性还不强;二是执法队伍力量不足。
三、党政主要负责人履行推进法治建设第一责任人职责情况
乡党委书记、乡长认真履行第一责任人职责,主持召开专题会议4次。
四、2025年工作安排
继续深化法治宣传教育,提升依法行政水平。
大坪乡人民政府
2025年3月18日
"""
TRADITIONAL = """大坪鄉2024年法治政府建設情況報告
發布時間:2025-03-20 信息來源:大坪鄉人民政府
2024年,大坪鄉在縣委、縣政府的堅強領導下,深入學習貫徹習近平法治思想,紮實推進法治政府建設。現將有關情況報告如下:
一、主要舉措和成效
(一)加強行政執法。全年辦理行政處罰案件12起,罰款3.5萬元。
二、存在的不足和原因
一是法治宣傳的針對性還不強;二是執法隊伍力量不足。
三、黨政主要負責人履行推進法治建設第一責任人職責情況
鄉黨委書記、鄉長認真履行第一責任人職責,主持召開專題會議4次。
四、2025年工作安排
繼續深化法治宣傳教育,提升依法行政水平。
大坪鄉人民政府
2025年3月18日
"""


def test_detect_script_on_hand_written_lines():
    # Guards against reading a 繁體 page with simplified rules (no key, part or unit matches).
    assert detect_script("大坪鄉2024年法治政府建設情況報告") == "traditional"
    assert detect_script("發布時間:2025-03-20 信息來源:大坪鄉人民政府") == "traditional"
    # ...and against converting simplified reports that quote a few traditional-only forms.
    assert detect_script(SIMPLIFIED + "组织编写《法治著作选编》,学习乾隆年间的治理经验。") == \
        "simplified"
    assert detect_script("") == "simplified"
    assert detect_script("PDF 2024-03-15 No. 12") == "simplified"
    # Two traditional characters are no evidence yet (MIN_TRADITIONAL is 3).
    assert detect_script("報告") == "simplified"


def test_to_simplified_keeps_every_line():
    assert to_simplified(TRADITIONAL) == SIMPLIFIED
    assert to_simplified("發布\n\n時間\n").split("\n") == ["发布", "", "时间", ""]


def test_a_traditional_page_gives_the_tables_of_its_simplified_twin(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "t").mkdir()
    (tmp_path / "s" / "dapingxiang.txt").write_text(SIMPLIFIED, encoding="utf-8")
    (tmp_path / "t" / "dapingxiang.txt").write_text(TRADITIONAL, encoding="utf-8")
    simplified = load_corpus(tmp_path / "s")
    traditional = load_corpus(tmp_path / "t")
    assert simplified.reports["script"].tolist() == ["simplified"]
    assert traditional.reports["script"].tolist() == ["traditional"]
    differ = ["sha256", "script"]
    pd.testing.assert_frame_equal(traditional.reports.drop(columns=differ),
                                  simplified.reports.drop(columns=differ))
    for name in ("sections", "paragraphs", "sentences"):
        pd.testing.assert_frame_equal(getattr(traditional, name), getattr(simplified, name))
    report = traditional.reports.iloc[0]
    # The metadata rules read the converted keys and names.
    assert report["published"] == "2025-03-20"
    assert report["agency"] == "大坪乡人民政府"
    assert report["year"] == 2024
    assert "shortcomings" in set(traditional.sections["part"])


@pytest.mark.parametrize("encoding", ["big5", "utf-8"])
def test_a_big5_page_is_decoded_then_converted(tmp_path, encoding):
    # Traditional sites often serve Big5; the decoder and the converter chain.
    (tmp_path / "page.txt").write_bytes(TRADITIONAL.replace("紮", "扎").encode(encoding))
    corpus = load_corpus(tmp_path)
    assert corpus.reports["script"].tolist() == ["traditional"]
    assert corpus.reports["title"].iloc[0] == "大坪乡2024年法治政府建设情况报告"
