"""Chart images drawn by kaleido in the system Chromium: PNG size, SVG text, one browser reused across threads,
and the Chinese explanation when there is no browser."""

from __future__ import annotations

import io
import struct
import threading

import plotly.graph_objects as go
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs import chart_image as ci
from plan_monitor.outputs.charts import completion_bars
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS, ROOT
from plan_monitor.present.views import overview

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def bundled_env(monkeypatch):
    for name in ("PLAN_MONITOR_TARGETS", "PLAN_MONITOR_DATA", ci.CHROMIUM_ENV):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def fig() -> go.Figure:
    m = Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)
    city, _ = overview(m, 2024)
    return completion_bars(city)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first."""
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_image_support_here():
    assert ci.browser_path() is not None
    assert ci.image_support() is None


def test_png_has_the_requested_size(fig):
    data = ci.chart_image(fig, "png", width=800, height=500)
    assert png_size(data) == (800, 500)
    assert Image.open(io.BytesIO(data)).size == (800, 500)
    assert png_size(ci.chart_image(fig, "png", width=800, height=500, scale=2)) == (1600, 1000)
    assert png_size(ci.chart_image(fig, "png")) == (1600, 900)


def test_png_is_not_blank(fig):
    image = Image.open(io.BytesIO(ci.chart_image(fig, "png", width=800, height=500))).convert("RGB")
    colours = {c for _, c in image.getcolors(maxcolors=1 << 20)}
    assert (0xd1, 0x24, 0x2f) in colours  # the 严重滞后 red of the bars


def test_svg_carries_the_chinese_title_and_labels(fig):
    svg = ci.chart_image(ci.titled(fig, "2024年各指标完成率与时序进度", "数据截至 2024年9月30日"), "svg").decode("utf-8")
    assert svg.startswith("<svg") and "</svg>" in svg
    assert "2024年各指标完成率与时序进度" in svg and "数据截至 2024年9月30日" in svg
    assert "示范村" in svg  # axis labels come through as text, not outlines


def test_titled_leaves_the_page_figure_alone(fig):
    before = fig.to_json()
    out = ci.titled(fig, "标题", "数据截至 2024年9月30日")
    assert fig.to_json() == before
    assert "标题" in out.layout.title.text and out.layout.margin.t > (fig.layout.margin.t or 0)
    assert ci.titled(fig, None) is fig


def test_unknown_format_is_refused(fig):
    with pytest.raises(ValueError):
        ci.chart_image(fig, "gif")


def test_one_browser_serves_threads_in_parallel(fig, monkeypatch):
    ci.chart_image(fig, "png", width=400, height=300)  # started
    browser = ci._renderer._kaleido
    assert browser is not None
    starts = []
    start = ci._Renderer._start

    def counted_start(self, path):
        starts.append(path)
        return start(self, path)

    monkeypatch.setattr(ci._Renderer, "_start", counted_start)
    sizes = [(600 + 10 * i, 400 + 10 * i) for i in range(6)]
    results: dict[int, tuple[int, int]] = {}

    def draw(i: int) -> None:
        w, h = sizes[i]
        results[i] = png_size(ci.chart_image(fig, "png", width=w, height=h))

    threads = [threading.Thread(target=draw, args=(i,)) for i in range(len(sizes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == dict(enumerate(sizes))  # each caller got its own image back
    assert starts == []  # no browser start per image: the one already running drew them all
    assert ci._renderer._kaleido is browser


def test_no_browser_gives_the_chinese_explanation(monkeypatch, tmp_path, fig):
    monkeypatch.setenv(ci.CHROMIUM_ENV, str(tmp_path / "no-such-chromium"))
    assert ci.browser_path() is None
    assert ci.image_support() == ci.NO_BROWSER
    assert "未安装 Chromium" in ci.NO_BROWSER and "截图" in ci.NO_BROWSER
    with pytest.raises(ci.ChartImageError, match="未安装 Chromium"):
        ci.chart_image(fig, "png")


def test_a_browser_that_does_not_start_is_reported(monkeypatch, tmp_path, fig):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv(ci.CHROMIUM_ENV, str(fake))
    assert ci.image_support() is None  # not tried yet
    with pytest.raises(ci.ChartImageError, match="Chromium 无法启动"):
        ci.chart_image(fig, "png")
    assert "Chromium 无法启动" in ci.image_support()  # the page shows this instead of buttons that would fail
    monkeypatch.delenv(ci.CHROMIUM_ENV)
    assert ci.image_support() is None
    assert png_size(ci.chart_image(fig, "png", width=640, height=480)) == (640, 480)


def test_pages_show_the_explanation_instead_of_image_buttons(monkeypatch, tmp_path):
    monkeypatch.setenv(ci.CHROMIUM_ENV, str(tmp_path / "no-such-chromium"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/overview.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载 Excel", "下载全部指标完成情况（Excel）"]
    assert ci.NO_BROWSER in [c.value for c in at.caption]
