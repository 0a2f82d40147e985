"""What an uploaded file must be (pure): a PDF, by its bytes and its name, of at most 5 MB.

The type is read from the content: a PDF starts with `%PDF-` (ISO 32000-1 §7.5.2; readers
accept it within the first 1024 bytes, Cohort wants it at the start, as every PDF writer
puts it). The name must end in `.pdf` as well, so the mentee's own name for the file does
not mislead a reviewer. The name is only shown: files are stored under random names.
"""

from __future__ import annotations

import re
import unicodedata

MAX_BYTES = 5 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def pdf_problem(name: str, size: int, head: bytes) -> str:
    """Why the file is refused, as a message for the uploader; "" when it is accepted."""
    if size == 0:
        return "The file is empty. Choose the PDF again."
    if size > MAX_BYTES:
        return (
            f"The file is {size / (1024 * 1024):.1f} MB; the limit is 5 MB. "
            "Compress the PDF or remove images, then upload it again."
        )
    if not head.startswith(PDF_MAGIC):
        return "The file is not a PDF. Export or print your document as PDF and upload that."
    if not name.lower().endswith(".pdf"):
        return "The file's name must end in .pdf."
    return ""


def display_name(name: str) -> str:
    """The uploader's file name, safe to show and to offer as a download name."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = re.sub(r"[\x00-\x1f\x7f\"]", "", base).strip() or "document.pdf"
    return base[:200]
