"""The derived-value cache: built once, read back, rebuilt when a source changes or is torn."""

from __future__ import annotations

from analysis.cache import load_derived


def test_built_once_then_read_back(tmp_path):
    source = tmp_path / "data.txt"
    source.write_text("甲 1\n乙 2\n", encoding="utf-8")
    calls = []

    def build():
        calls.append(1)
        return {line.split()[0]: int(line.split()[1]) for line in
                source.read_text(encoding="utf-8").splitlines()}

    folder = tmp_path / "cache"
    assert load_derived("words", [source], build, folder=folder) == {"甲": 1, "乙": 2}
    assert load_derived("words", [source], build, folder=folder) == {"甲": 1, "乙": 2}
    assert len(calls) == 1
    assert len(list(folder.glob("words-*.pickle"))) == 1

    # One byte of the source changes: a new key, built again.
    source.write_text("甲 1\n乙 3\n", encoding="utf-8")
    assert load_derived("words", [source], build, folder=folder) == {"甲": 1, "乙": 3}
    assert len(calls) == 2


def test_a_torn_file_is_rebuilt_and_a_read_only_cache_still_answers(tmp_path):
    source = tmp_path / "data.txt"
    source.write_text("x", encoding="utf-8")
    folder = tmp_path / "cache"
    load_derived("value", [source], lambda: [1, 2, 3], folder=folder)
    (cached,) = folder.glob("value-*.pickle")
    cached.write_bytes(cached.read_bytes()[:20])  # a write cut short
    assert load_derived("value", [source], lambda: [1, 2, 3], folder=folder) == [1, 2, 3]
    cached.write_bytes(b"not ours")  # a foreign file under the same name
    assert load_derived("value", [source], lambda: [4], folder=folder) == [4]
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    assert load_derived("value", [source], lambda: [5], folder=blocked) == [5]
