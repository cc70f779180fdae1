"""Views for checking results by eye: `show` and `evaluate`."""

from __future__ import annotations

from pipeline.cli import app  # noqa: F401  (commands register on the shared app)
