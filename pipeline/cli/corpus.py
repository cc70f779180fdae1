"""Corpus commands: `run` a folder into the store, then query it."""

from __future__ import annotations

from pipeline.cli import app  # noqa: F401  (commands register on the shared app)
