"""The PPTX deck opened by a real office suite: LibreOffice turns it into a PDF, poppler into page images, and
each page must show something — the charts in their status colours, the demo badge on the title page."""

from __future__ import annotations

import os
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.briefing.deck import build_deck
from plan_monitor.outputs.briefing.pptx_export import deck_pptx
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.present.palette import STATUS_COLORS

NEEDS = "apt-get install -y libreoffice-impress poppler-utils (scripts/setup.sh --test does it)"


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _share(img: Image.Image, color=None, tol=24) -> float:
    """Share of pixels that are not white, or (with `color`) close to that colour."""
    pixels = np.asarray(img.convert("RGB"), dtype=int).reshape(-1, 3)
    if color is None:
        return float((pixels.min(axis=1) < 235).mean())
    return float((np.abs(pixels - np.array(color)).max(axis=1) <= tol).mean())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    assert shutil.which("soffice"), f"LibreOffice is required: {NEEDS}"
    assert shutil.which("pdftoppm"), f"poppler-utils is required: {NEEDS}"
    tmp = tmp_path_factory.mktemp("render")
    m = Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)
    decks = {"city": build_deck(m, 2024), "county": build_deck(m, 2024, "公安县")}
    for name, deck in decks.items():
        (tmp / f"{name}.pptx").write_bytes(deck_pptx(deck))
    # A profile of its own: two LibreOffice processes sharing one HOME refuse to start or wait for each other.
    env = {**os.environ, "HOME": str(tmp / "home")}
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/lo-profile", "--convert-to", "pdf",
                    "--outdir", str(tmp), str(tmp / "city.pptx"), str(tmp / "county.pptx")],
                   env=env, check=True, capture_output=True, timeout=240)
    pages = {}
    for name in decks:
        assert (tmp / f"{name}.pdf").is_file(), f"LibreOffice wrote no {name}.pdf"
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(tmp / f"{name}.pdf"), str(tmp / name)], check=True,
                       timeout=120)
        pages[name] = sorted(tmp.glob(f"{name}-*.png"))
    return decks, pages


@pytest.mark.parametrize("name", ["city", "county"])
def test_one_page_per_slide_none_blank(rendered, name):
    decks, pages = rendered
    assert len(pages[name]) == len(decks[name].slides)
    for page in pages[name]:
        with Image.open(page) as img:
            assert img.size[0] / img.size[1] == pytest.approx(13.333 / 7.5, rel=0.01)
            assert _share(img) > 0.01, f"{page.name} is blank"


def test_charts_and_badge_are_drawn_in_their_colours(rendered):
    decks, pages = rendered
    deck = decks["city"]
    with Image.open(pages["city"][0]) as title:
        assert _share(title, (0xC4, 0x55, 0x00)) > 0.005  # the 示例数据 badge
    i = next(i for i, s in enumerate(deck.slides) if s.indicator_id == "village_income_20w")
    statuses = set(deck.slides[i].rows["status"].dropna())
    assert {"met", "far_behind"} <= statuses
    with Image.open(pages["city"][i]) as page:
        for status in ("met", "far_behind"):
            assert _share(page, _rgb(STATUS_COLORS[status])) > 0.005, status
    m = next(i for i, s in enumerate(deck.slides) if s.kind == "matrix")
    with Image.open(pages["city"][m]) as page:
        assert _share(page, _rgb(STATUS_COLORS["far_behind"])) > 0.01
    with Image.open(pages["city"][-1]) as summary, Image.open(pages["city"][m]) as matrix:
        assert abs(_share(summary) - _share(matrix)) > 0.05  # different slides, visibly different pages
