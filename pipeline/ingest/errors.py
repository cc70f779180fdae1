"""The one exception readers raise: it names the file, the kind of failure and what to do."""

from __future__ import annotations


class IngestError(Exception):
    """A file that cannot be read as a document.

    `error` is a short machine-readable kind (`encrypted_pdf`, `undecodable_text`,
    `image_only_pdf`, ...); `reason` is a sentence a researcher can act on.
    """

    def __init__(self, path: str, error: str, reason: str, stage: str = "ingest") -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.error = error
        self.reason = reason
        self.stage = stage
