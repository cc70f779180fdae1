"""Legacy Word (.doc) files: converted to .docx by LibreOffice, then read as .docx.

The binary .doc format has no maintained pure-Python reader; LibreOffice's
converter is the reliable one. It runs headless with a throw-away profile
(so parallel runs and a user's own LibreOffice do not collide) and a timeout.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.blocks import Ingested
from pipeline.ingest.docx import read_docx
from pipeline.ingest.errors import IngestError

TIMEOUT_SECONDS = 120
_INSTALL = "install LibreOffice Writer (apt-get install libreoffice-writer) so that `soffice` is on the PATH"


def soffice_path() -> str | None:
    """The LibreOffice executable, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


# Word's binary import filters, newest first: named, so a damaged file fails instead of opening as plain text.
_FILTERS = ("MS Word 97", "MS Word 95", "MS WinWord 6.0")


def doc_to_docx(data: bytes, path: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Convert .doc bytes to .docx bytes with LibreOffice headless."""
    soffice = soffice_path()
    if soffice is None:
        raise IngestError(path, "missing_converter", f"reading .doc files needs LibreOffice: {_INSTALL}")
    with tempfile.TemporaryDirectory(prefix="vbgraph-doc-") as tmp:
        work = Path(tmp)
        source = work / "input.doc"
        source.write_bytes(data)
        target = work / "out" / "input.docx"
        detail = ""
        for import_filter in _FILTERS:
            command = [
                soffice,
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                f"--infilter={import_filter}",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
                str(work / "out"),
                str(source),
            ]
            try:
                done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
            except subprocess.TimeoutExpired as exc:
                raise IngestError(
                    path, "conversion_timeout", f"LibreOffice did not convert the .doc in {timeout:.0f} s"
                ) from exc
            if done.returncode == 0 and target.exists():
                return target.read_bytes()
            lines = (done.stderr or done.stdout).decode("utf-8", "replace").splitlines()
            detail = next((line for line in lines if line.startswith("Error")), detail)
        raise IngestError(
            path, "corrupt_doc", f"LibreOffice could not read the .doc file ({detail or 'no output'})"
        )


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_doc(data: bytes) -> bool:
    """An OLE2 compound file holding a `WordDocument` stream (not a spreadsheet or a slide deck)."""
    return data.startswith(_OLE2) and "WordDocument".encode("utf-16-le") in data


def read_doc(data: bytes, path: str, sha256: str) -> Ingested:
    """Read a .doc file into blocks (through LibreOffice and the .docx reader)."""
    return read_docx(doc_to_docx(data, path), path, sha256, format="doc")


__all__ = ["doc_to_docx", "is_doc", "read_doc", "soffice_path"]
