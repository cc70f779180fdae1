"""Shared fixtures: paths of the bundled corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def corpus_texts() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="session")
def corpus_pdfs() -> list[Path]:
    return sorted((CORPUS / "pdf").glob("*.pdf"))


@pytest.fixture
def docs(tmp_path, corpus_texts) -> Path:
    """A corpus folder of three directives, one of them in a sub-folder."""
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    for f in corpus_texts[:2]:
        shutil.copy(f, folder / f.name)
    shutil.copy(corpus_texts[2], folder / "sub" / corpus_texts[2].name)
    return folder
