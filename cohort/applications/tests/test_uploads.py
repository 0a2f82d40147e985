"""What an uploaded file must be (pure: no database)."""

from __future__ import annotations

import pytest

from cohort.applications.uploads import MAX_BYTES, display_name, pdf_problem

HEAD = b"%PDF-"


def test_a_small_pdf_is_accepted() -> None:
    assert pdf_problem("cv.pdf", 2048, HEAD) == ""
    assert pdf_problem("CV.PDF", 1, HEAD) == ""


def test_empty_file_is_refused() -> None:
    assert pdf_problem("cv.pdf", 0, b"") == "The file is empty. Choose the PDF again."


def test_size_limit_is_exactly_five_mebibytes() -> None:
    assert MAX_BYTES == 5 * 1024 * 1024
    assert pdf_problem("cv.pdf", 5 * 1024 * 1024, HEAD) == ""
    problem = pdf_problem("cv.pdf", 5 * 1024 * 1024 + 1, HEAD)
    assert problem.startswith("The file is 5.0 MB; the limit is 5 MB.")


def test_size_is_checked_before_the_content() -> None:
    assert "12.0 MB" in pdf_problem("cv.doc", 12 * 1024 * 1024, b"PK\x03\x04")


@pytest.mark.parametrize("head", [b"PK\x03\x04", b"", b" %PDF-", b"%PDF"])
def test_wrong_magic_is_refused(head: bytes) -> None:
    assert pdf_problem("cv.pdf", 100, head).startswith("The file is not a PDF.")


@pytest.mark.parametrize("name", ["cv", "cv.pdf.exe", "cv.docx", "", "pdf"])
def test_a_name_without_pdf_is_refused(name: str) -> None:
    assert pdf_problem(name, 100, HEAD) == "The file's name must end in .pdf."


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("cv.pdf", "cv.pdf"),
        ("C:\\Users\\me\\My CV.pdf", "My CV.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ('evil"\r\nX-Header: 1.pdf', "evilX-Header: 1.pdf"),
        ("tab\there\x00.pdf", "tabhere.pdf"),
        ("  ", "document.pdf"),
        ("dir/", "document.pdf"),
        ("", "document.pdf"),
        ("Lebenslauf_Mu\u0308ller.pdf", "Lebenslauf_M\u00fcller.pdf"),  # NFC
    ],
)
def test_display_name_is_sanitised(raw: str, shown: str) -> None:
    assert display_name(raw) == shown


def test_display_name_is_capped_at_200_characters() -> None:
    assert len(display_name("a" * 300 + ".pdf")) == 200
