"""Helpers for the quick guide's tests: read a PDF as a reader (and a screen reader) would."""

import re
from dataclasses import dataclass
from functools import cached_property
from io import BytesIO

import pytest
from pypdf import PdfReader

from tests.conftest import make_app
from wizard.guide.quick_guide import render_guide_pdf

PDF_URL = "/guide/quick-guide.pdf"
TITLE = "Adding existing Pro users to your business account"
SECTIONS = (
    "Before you start",
    "The wizard, step by step",
    "How invitees accept",
    "What moves with them, and what Basic users lose",
    "Best practices",
    "Checklist",
    "Where to get help",
)


@dataclass(eq=False)
class Pdf:
    data: bytes
    reader: PdfReader

    @cached_property
    def text(self) -> str:
        """All pages' text with whitespace folded, as one string."""
        pages = " ".join(page.extract_text() or "" for page in self.reader.pages)
        return re.sub(r"\s+", " ", pages)

    @property
    def catalog(self):
        return self.reader.trailer["/Root"]


def read_pdf(data: bytes) -> Pdf:
    assert data.startswith(b"%PDF-"), "not a PDF"
    return Pdf(data, PdfReader(BytesIO(data)))


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory):
    """An app without a database, for rendering the guide outside any request (once per module)."""
    tmp = tmp_path_factory.mktemp("guide")
    return make_app(f"sqlite:///{tmp / 'unused.sqlite'}", tmp)


@pytest.fixture(scope="module")
def generic_pdf(bare_app) -> "Pdf":
    """The generic English guide, rendered once for the tests that only read it."""
    with bare_app.app_context():
        return read_pdf(render_guide_pdf("en", None))


@pytest.fixture
def download(client):
    """GET the quick guide and read it: returns (response, Pdf)."""

    def get(**kwargs):
        response = client.get(PDF_URL, **kwargs)
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        return response, read_pdf(response.data)

    return get
