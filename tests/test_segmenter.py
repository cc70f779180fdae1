"""The word segmenter and normalizer are loaded without underthesea's package `__init__`, and the
package stays whole for anyone who imports it afterwards."""

import subprocess
import sys
import textwrap

from pipeline import segmenter


def _run(code: str) -> str:
    """`code` in a fresh interpreter (imports are process-wide), its output."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_segments_and_normalizes():
    assert segmenter.word_tokenize("Bác sĩ bây giờ có thể") == ["Bác sĩ", "bây giờ", "có thể"]
    assert segmenter.token_normalize("hoà") == "hòa"


def test_optional_pipelines_are_not_imported():
    out = _run("""
        import sys
        from pipeline import segmenter
        print(segmenter.word_tokenize("Sở Tư pháp"), segmenter.token_normalize("thuý"))
        print(sorted(m for m in sys.modules if m.startswith("underthesea.pipeline.")
                     and m.split(".")[2] not in ("word_tokenize", "text_normalize")))
    """)
    assert out.splitlines() == ["['Sở', 'Tư pháp'] thúy", "[]"]


def test_package_is_whole_when_imported_afterwards():
    out = _run("""
        from pipeline import segmenter
        segmenter.word_tokenize("Ủy ban nhân dân tỉnh")
        import underthesea
        from underthesea import sent_tokenize
        print(callable(underthesea.ner), callable(underthesea.pos_tag), underthesea.__version__ > "",
              sent_tokenize("Một. Hai.") == ["Một.", "Hai."],
              underthesea.word_tokenize is segmenter._functions()[0])
    """)
    assert out == "True True True True True"


def test_package_imported_first_is_used_as_is():
    out = _run("""
        import underthesea
        from pipeline import segmenter
        print(segmenter.word_tokenize("Công an tỉnh"), type(__import__("sys").modules["underthesea"]).__name__)
    """)
    assert out == "['Công an', 'tỉnh'] module"


def test_another_package_layout_falls_back_to_the_published_package():
    out = _run("""
        import sys
        sys.modules["underthesea.pipeline.word_tokenize"] = None  # not found where this version has it
        from pipeline import segmenter
        print(segmenter.word_tokenize("Sở Tư pháp"), type(sys.modules["underthesea"]).__name__)
    """)
    assert out == "['Sở', 'Tư pháp'] module"
