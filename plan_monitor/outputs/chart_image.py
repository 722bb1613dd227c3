"""Plotly figures as PNG or SVG bytes, drawn by kaleido in the system Chromium.

Starting Chromium takes seconds, so one browser is started on first use and kept for the process. It runs
on its own event loop in a daemon thread; callers on any thread hand it work with run_coroutine_threadsafe,
and kaleido queues concurrent renders for its tab. kaleido's own start_sync_server is not used: its calls
are not safe from several threads at once and wait forever when the browser failed to start.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import threading
import time

import plotly.graph_objects as go

CHROMIUM_ENV = "PLAN_MONITOR_CHROMIUM"  # path to the browser; unset means search the usual places
FORMATS = ("png", "svg")
START_TIMEOUT = 60.0
RENDER_TIMEOUT = 60.0
RETRY_AFTER = 600.0
# Images are drawn with a plain template whatever the figure was built with: inside the app Plotly's default is
# Streamlit's, whose colours are placeholders ("#000001"…) that only Streamlit's page replaces.
IMAGE_TEMPLATE = "plotly_white"
FALLBACK = "请在浏览器中截图保存图表"
NO_KALEIDO = f"未安装 kaleido，无法导出图片；{FALLBACK}"
NO_BROWSER = f"本机未安装 Chromium 浏览器，无法导出图片；{FALLBACK}，或请管理员安装 Chromium"


class ChartImageError(RuntimeError):
    """Rendering is not possible here; the message is Chinese and meant for the reader."""


def browser_path() -> str | None:
    """The Chromium to draw with: the PLAN_MONITOR_CHROMIUM override if it is an executable, else the first
    Chromium-based browser choreographer finds (its own download, then PATH and typical locations)."""
    override = os.environ.get(CHROMIUM_ENV)
    if override:
        return override if os.path.isfile(override) and os.access(override, os.X_OK) else None
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:
        return None
    return Chromium.find_browser(skip_local=False)


def image_support() -> str | None:
    """None when charts can be exported as images here, else a Chinese explanation for the page."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return NO_KALEIDO
    path = browser_path()
    if path is None:
        return NO_BROWSER
    return _renderer.failure(path)


class _Renderer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None
        self._path: str | None = None
        self._failed: tuple[str, str, float] | None = None  # path, Chinese message, when

    def failure(self, path: str | None) -> str | None:
        """Why this browser failed to start lately: the page then shows it instead of buttons that would
        each wait for the start timeout. Retried after RETRY_AFTER seconds."""
        failed = self._failed
        if failed and failed[0] == path and time.monotonic() - failed[2] < RETRY_AFTER:
            return failed[1]
        return None

    def _start(self, path: str) -> None:
        import kaleido

        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="kaleido", daemon=True).start()

        async def open_browser():
            # mathjax=False: no CDN fetch (the server may be offline) and no formulas in these charts
            k = kaleido.Kaleido(path=path, mathjax=False)
            try:
                await k.open()
            except BaseException:
                # close() removes the temporary page and profile; left alone they fail noisily at exit
                with contextlib.suppress(Exception):
                    await k.close()
                raise
            return k

        try:
            k = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(START_TIMEOUT)
        except BaseException as exc:
            loop.call_soon_threadsafe(loop.stop)
            message = f"图片导出失败：Chromium 无法启动（{type(exc).__name__}）；{FALLBACK}"
            self._failed = (path, message, time.monotonic())
            raise ChartImageError(message) from exc
        self._loop, self._kaleido, self._path, self._failed = loop, k, path, None

    def _stop(self) -> None:
        loop, k = self._loop, self._kaleido
        self._loop = self._kaleido = self._path = None
        if loop is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(k.close(), loop).result(10)
        except Exception:  # a browser that already died needs no closing
            pass
        loop.call_soon_threadsafe(loop.stop)

    def stop(self) -> None:
        with self._lock:
            self._stop()

    def render(self, fig, opts: dict) -> bytes:
        path = browser_path()
        if path is None:
            raise ChartImageError(image_support() or NO_BROWSER)
        with self._lock:
            if self._loop is not None and self._path != path:
                self._stop()
            if self._loop is None:
                self._start(path)
            loop, k = self._loop, self._kaleido
        try:
            return asyncio.run_coroutine_threadsafe(k.calc_fig(fig, opts=opts), loop).result(RENDER_TIMEOUT)
        except Exception as exc:
            # A crashed or hung browser is replaced on the next call rather than kept.
            self.stop()
            raise ChartImageError(f"图片生成失败（{type(exc).__name__}）；请稍后重试，或{FALLBACK}") from exc


_renderer = _Renderer()
atexit.register(_renderer.stop)


def titled(fig: go.Figure, title: str | None, note: str | None = None) -> go.Figure:
    """A copy of the figure with a title (and a smaller second line such as 数据截至) for a standalone image;
    on the page the heading above the chart says this."""
    if not title and not note:
        return fig
    text = (title or "") + (f"<br><span style='font-size:14px;color:#555'>{note}</span>" if note else "")
    out = go.Figure(fig)
    top = (out.layout.margin.t or 40) + (80 if note else 50)
    out.update_layout(title=dict(text=text, x=0.01, xanchor="left", yref="container", y=1, yanchor="top",
                                 pad=dict(t=24)), margin=dict(t=top))
    return out


def chart_image(fig: go.Figure, fmt: str = "png", width: int = 1600, height: int = 900, scale: float = 1) -> bytes:
    """The figure drawn at width × height CSS pixels (PNG pixels are that times scale), in IMAGE_TEMPLATE."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    fig = go.Figure(fig).update_layout(template=IMAGE_TEMPLATE)
    return _renderer.render(fig, {"format": fmt, "width": width, "height": height, "scale": scale})
