"""The 情况通报 .docx opened by a real word processor: LibreOffice Writer turns it into a PDF, poppler into page
images and text. Every page is a portrait A4 page with something on it, and the title and figures are in the PDF."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.briefing.bulletin import bulletin
from plan_monitor.outputs.briefing.deck import build_deck
from plan_monitor.outputs.briefing.docx_export import bulletin_docx
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS

NEEDS = "apt-get install -y libreoffice-writer poppler-utils (scripts/setup.sh --test does it)"
NAMES = {"city": None, "county": "公安县"}


def _ink(img: Image.Image) -> float:
    """Share of pixels that are not white."""
    pixels = np.asarray(img.convert("L"), dtype=int)
    return float((pixels < 235).mean())


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    for tool in ("soffice", "pdftoppm", "pdftotext"):
        assert shutil.which(tool), f"{tool} is required: {NEEDS}"
    tmp = tmp_path_factory.mktemp("docx-render")
    m = Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)
    bulletins = {}
    for name, county in NAMES.items():
        deck = build_deck(m, 2024, county)
        bulletins[name] = bulletin(deck)
        (tmp / f"{name}.docx").write_bytes(bulletin_docx(deck))
    # A profile of its own: two LibreOffice processes sharing one HOME refuse to start or wait for each other.
    env = {**os.environ, "HOME": str(tmp / "home")}
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/lo-profile", "--convert-to",
                           "pdf", "--outdir", str(tmp), *(str(tmp / f"{name}.docx") for name in NAMES)],
                          env=env, capture_output=True, timeout=240)
    pages, texts = {}, {}
    for name in NAMES:
        pdf = tmp / f"{name}.pdf"
        assert pdf.is_file(), (f"LibreOffice wrote no {name}.pdf (is libreoffice-writer installed? {NEEDS})\n"
                               + done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace"))
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp / name)], check=True, timeout=120)
        pages[name] = sorted(tmp.glob(f"{name}-*.png"))
        texts[name] = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                                     timeout=60).stdout.decode("utf-8")
    return bulletins, pages, texts


@pytest.mark.parametrize("name", NAMES)
def test_pages_are_portrait_a4_and_none_blank(rendered, name):
    _, pages, _ = rendered
    assert pages[name]
    for page in pages[name]:
        with Image.open(page) as img:
            assert img.size[1] / img.size[0] == pytest.approx(297 / 210, rel=0.01)
            assert _ink(img) > 0.005, f"{page.name} is blank"


@pytest.mark.parametrize("name", NAMES)
def test_title_and_text_are_in_the_pdf(rendered, name):
    bulletins, _, texts = rendered
    b, text = bulletins[name], _plain(texts[name])
    assert _plain(b.title) in text
    assert _plain(b.date_line) in text
    assert _plain(b.headings[0]) in text
    assert _plain(b.table.columns[0]) in text  # the table is drawn too
    assert _plain(b.source) in text


def test_first_page_has_its_title_on_top(rendered):
    """Page 1 carries ink in its top part (the title under the top margin), not only further down."""
    _, pages, _ = rendered
    with Image.open(pages["city"][0]) as img:
        top = img.crop((0, 0, img.size[0], img.size[1] // 4))
        assert _ink(top) > 0.003
