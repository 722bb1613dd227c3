"""Every page at the projector size (1280×720) and at 1920×1080 in headless Chromium: a screenshot for a person to
look at (artifacts/screenshots/<page>_<w>x<h>.png), and bounding-box checks a person would otherwise do by eye.

(a) Nothing sticks out sideways: the page does not scroll horizontally, no element of the main block reaches past
    its left or right edge or the viewport, and no box that clips its content (overflow hidden) cuts off text it
    holds. Content inside a horizontal scroll container (a dataframe's grid, a wide table) scrolls within it and is
    left out; the scroll container itself must fit, and anything else that scrolls sideways is reported.
(b) In every Plotly chart no two texts (tick labels, value labels, heatmap cells, annotations, legend entries, titles)
    overlap by more than a pixel, and no text reaches past the chart's canvas. Boxes are the texts' own boxes turned
    as drawn (getBBox through the screen transform), so tilted labels are compared as drawn, not as their upright
    bounding rectangles.
    A heatmap's cell text fits its cell.
(c) No marker (a 时序进度 or 目标 mark, a trend point) and no line crosses a value label."""

from __future__ import annotations

from pathlib import Path

import pytest

from .server import ROOT, streamlit_server

PAGES = ["overview", "county", "town", "trend", "definitions", "present", "upload", "reporting", "versions"]
VIEWPORTS = [(1280, 720), (1920, 1080)]
SHOTS = ROOT / "artifacts" / "screenshots"

# (page, viewport) combinations known to fail for a reason outside this test's reach; strict=False.
KNOWN = {}
# pages that draw charts, and how many at least: a check over no chart passes vacuously
WITH_CHARTS = {"county": 2, "town": 1, "trend": 1}
# pages that draw HTML bar charts (present/bars.py) instead: 总览's 完成率 chart
WITH_HTML_BARS = {"overview": 1}

HTML_BARS = r"""() => {
  const problems = [];
  const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
  const meets = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom && b.top < a.bottom;
  const charts = [...document.querySelectorAll('.pm-bars')];
  charts.forEach((chart, n) => {
    const box = chart.getBoundingClientRect();
    chart.querySelectorAll('.pm-bars-name, .pm-bars-value, .pm-bars-axis span, .pm-bars-key').forEach(el => {
      if (!inside(el.getBoundingClientRect(), box)) problems.push(`bars ${n + 1}: "${el.textContent}" reaches past the chart`);
    });
    chart.querySelectorAll('.pm-bars-name').forEach(el => {
      if (el.scrollWidth > el.clientWidth + 1) problems.push(`bars ${n + 1}: the name "${el.textContent}" is cut`);
    });
    chart.querySelectorAll('.pm-bars-plot').forEach(plot => {
      const label = plot.querySelector('.pm-bars-value'), tick = plot.querySelector('.pm-bars-tick');
      const bar = plot.querySelector('.pm-bars-bar');
      if (!label) { problems.push(`bars ${n + 1}: a row without its value`); return; }
      const lb = label.getBoundingClientRect();
      if (tick && meets(lb, tick.getBoundingClientRect())) problems.push(`bars ${n + 1}: "${label.textContent}" crosses its mark`);
      if (label.classList.contains('pm-bars-in') && !(bar && inside(lb, bar.getBoundingClientRect())))
        problems.push(`bars ${n + 1}: "${label.textContent}" is not inside its bar`);
    });
  });
  return {charts: charts.length, problems};
}"""

OVERFLOW = r"""() => {
  const problems = [];
  const doc = document.documentElement;
  const vw = doc.clientWidth;
  if (doc.scrollWidth > vw + 1) problems.push(`the page scrolls sideways: ${doc.scrollWidth} > ${vw}`);
  const root = document.querySelector('[data-testid="stMainBlockContainer"]');
  if (!root) return ['no main block container'];
  const rb = root.getBoundingClientRect();
  const left = Math.max(rb.left, 0) - 1, right = Math.min(rb.right, vw) + 1;
  const describe = (el) => {
    const id = el.getAttribute('data-testid');
    const cls = (typeof el.className === 'string' ? el.className : '').split(' ')[0];
    const text = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `${el.tagName.toLowerCase()}${id ? '[' + id + ']' : ''}${cls ? '.' + cls : ''} "${text}"`;
  };
  // an ancestor (below the main block) that scrolls or clips horizontally: what is inside is its business
  const clippedBy = new Map();
  const inClip = (el) => {
    for (let a = el.parentElement; a && a !== root; a = a.parentElement) {
      if (clippedBy.has(a)) { if (clippedBy.get(a)) return true; continue; }
      const ox = getComputedStyle(a).overflowX;
      const clips = ox !== 'visible';
      clippedBy.set(a, clips);
      if (clips) return true;
    }
    return false;
  };
  for (const el of root.querySelectorAll('*')) {
    if (el instanceof SVGElement && el.ownerSVGElement) continue;  // inside a drawing: check (b)
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const style = getComputedStyle(el);
    if (style.position === 'fixed') continue;  // toasts, tooltips
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) continue;
    if (!inClip(el) && (box.right > right || box.left < left)) {
      problems.push(`overflows the main block [${Math.round(rb.left)}, ${Math.round(rb.right)}]: `
                    + `${describe(el)} spans [${Math.round(box.left)}, ${Math.round(box.right)}]`);
    }
    if (el instanceof SVGElement || el.scrollWidth <= el.clientWidth + 1) continue;
    // text cut off by a box that hides its overflow
    if ((style.overflowX === 'hidden' || style.overflowX === 'clip') && (el.innerText || '').trim()
        && !el.querySelector('canvas, svg')) {
      problems.push(`text cut off: ${describe(el)} needs ${el.scrollWidth}px, has ${el.clientWidth}px`);
    }
    // a sideways scrollbar on anything but a table's grid: its content does not fit
    if ((style.overflowX === 'auto' || style.overflowX === 'scroll')
        && !el.closest('[data-testid="stDataFrame"], [data-testid="stTable"], [data-testid="stDataFrameResizable"]')) {
      problems.push(`scrolls sideways: ${describe(el)} needs ${el.scrollWidth}px, has ${el.clientWidth}px`);
    }
  }
  return problems;
}"""

CHARTS = r"""() => {
  const TEXTS = ['.xtick text', '.ytick text', '.textpoint text', 'text.bartext', '.heatmap-label text',
                 'text.annotation-text', '.legendtext',
                 '.g-gtitle text', '.g-xtitle text', '.g-ytitle text', '.g-x2title text', '.g-y2title text'];
  const LABELS = ['.textpoint text', 'text.bartext', 'text.annotation-text'];
  const corners = (el, grow) => {  // the element's own box, turned as drawn, in page pixels
    const b = el.getBBox(), m = el.getScreenCTM();
    const pts = [[b.x - grow, b.y - grow], [b.x + b.width + grow, b.y - grow],
                 [b.x + b.width + grow, b.y + b.height + grow], [b.x - grow, b.y + b.height + grow]];
    return pts.map(([x, y]) => new DOMPoint(x, y).matrixTransform(m)).map(p => [p.x, p.y]);
  };
  // separating axis test for two convex quadrilaterals: how deep they overlap (<= 0: apart)
  const depth = (a, b) => {
    let least = Infinity;
    for (const poly of [a, b]) {
      for (let i = 0; i < 2; i++) {
        const [x1, y1] = poly[i], [x2, y2] = poly[i + 1];
        let nx = y1 - y2, ny = x2 - x1;
        const len = Math.hypot(nx, ny) || 1; nx /= len; ny /= len;
        const pa = a.map(([x, y]) => x * nx + y * ny), pb = b.map(([x, y]) => x * nx + y * ny);
        least = Math.min(least, Math.min(Math.max(...pa), Math.max(...pb)) - Math.max(Math.min(...pa), Math.min(...pb)));
      }
    }
    return least;
  };
  const shown = (el) => el.textContent.trim() && el.checkVisibility({opacityProperty: true, visibilityProperty: true})
                        && getComputedStyle(el).display !== 'none';
  const problems = [];
  let charts = 0;
  document.querySelectorAll('.js-plotly-plot').forEach((plot, n) => {
    charts += 1;
    const canvas = plot.querySelector('.main-svg').getBoundingClientRect();
    const name = `chart ${n + 1}`;
    const texts = [...plot.querySelectorAll(TEXTS.join(','))].filter(shown)
                  .map(el => ({el, text: el.textContent.trim(), box: corners(el, 0)}));
    for (const t of texts) {
      const xs = t.box.map(p => p[0]), ys = t.box.map(p => p[1]);
      if (Math.min(...xs) < canvas.left - 1 || Math.max(...xs) > canvas.right + 1
          || Math.min(...ys) < canvas.top - 1 || Math.max(...ys) > canvas.bottom + 1) {
        problems.push(`${name}: "${t.text}" reaches past the canvas`);
      }
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        if (texts[i].el.contains(texts[j].el) || texts[j].el.contains(texts[i].el)) continue;
        const d = depth(texts[i].box, texts[j].box);
        if (d > 1) problems.push(`${name}: "${texts[i].text}" overlaps "${texts[j].text}" by ${d.toFixed(1)}px`);
      }
    }
    const labels = texts.filter(t => t.el.matches(LABELS.join(',')));
    const marks = [...plot.querySelectorAll('.scatterlayer .points path.point')].filter(el => el.checkVisibility())
                  .map(el => ({el, box: corners(el, parseFloat(getComputedStyle(el).strokeWidth || '0') / 2)}));
    for (const mark of marks) {
      const trace = mark.el.closest('.trace');
      for (const label of labels) {
        if (label.el.closest('.trace') === trace) continue;  // a point's own text sits beside it by design
        const d = depth(mark.box, label.box);
        if (d > 0) problems.push(`${name}: a mark crosses the label "${label.text}" by ${d.toFixed(1)}px`);
      }
    }
    // lines (a trend, a target path) through a value label: points along each line, inside a label's box
    const inside = (pt, box) => {
      const xs = box.map(p => p[0]), ys = box.map(p => p[1]);
      return pt.x > Math.min(...xs) + 1 && pt.x < Math.max(...xs) - 1 && pt.y > Math.min(...ys) + 1 && pt.y < Math.max(...ys) - 1;
    };
    plot.querySelectorAll('.scatterlayer path.js-line').forEach(line => {
      const m = line.getScreenCTM(), length = line.getTotalLength();
      for (const label of labels) {
        for (let at = 0; at <= length; at += 2) {
          if (inside(line.getPointAtLength(at).matrixTransform(m), label.box)) {
            problems.push(`${name}: a line crosses the label "${label.text}"`);
            break;
          }
        }
      }
    });
    // a heatmap's cell text stays inside its cell: no wider or taller than the spacing of the cells
    plot.querySelectorAll('.heatmaplayer .hm').forEach(hm => {
      const cells = texts.filter(t => hm.contains(t.el));
      const pitch = (axis) => {
        const centres = [...new Set(cells.map(t => Math.round(t.box.reduce((s, p) => s + p[axis], 0) / 4)))].sort((a, b) => a - b);
        const steps = centres.slice(1).map((c, i) => c - centres[i]).filter(d => d > 2);
        return steps.length ? Math.min(...steps) : Infinity;
      };
      const across = pitch(0), down = pitch(1);
      for (const t of cells) {
        const xs = t.box.map(p => p[0]), ys = t.box.map(p => p[1]);
        const w = Math.max(...xs) - Math.min(...xs), h = Math.max(...ys) - Math.min(...ys);
        if (w > across - 3 || h > down - 3) {
          problems.push(`${name}: the cell text "${t.text}" (${Math.round(w)}×${Math.round(h)}px) does not fit its cell `
                        + `(${Math.round(across)}×${Math.round(down)}px)`);
          break;
        }
      }
    });
  });
  return {charts, problems};
}"""


def wait_for_charts(page) -> int:
    """Streamlit keeps a Plotly chart hidden until it has been sized and drawn: wait until every chart on the page
    shows its drawing and the count has held for a moment. Returns the number of charts."""
    ready = """() => {
      const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
      const drawn = charts.every(c => { const p = c.querySelector('.js-plotly-plot');
        return p && p.querySelector('.main-svg') && getComputedStyle(p).visibility === 'visible'; });
      return drawn ? charts.length : -1;
    }"""
    last = None
    for _ in range(120):
        count = page.evaluate(ready)
        if count >= 0 and count == last:
            return count
        last = count
        page.wait_for_timeout(400)
    raise AssertionError("charts were not drawn")


def screenshot(page, path: Path, width: int, height: int) -> None:
    """The whole page: the app scrolls inside its main section, so the window is made as tall as that section's
    content for the picture (the width, which decides the layout, stays)."""
    full = page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
                                    return m ? m.scrollHeight : document.documentElement.scrollHeight; }""")
    path.parent.mkdir(parents=True, exist_ok=True)
    if full > height:
        page.set_viewport_size({"width": width, "height": full})
        page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": height})


@pytest.fixture(scope="module")
def app_url():
    with streamlit_server() as url:
        yield url


def settle(page) -> None:
    page.wait_for_timeout(500)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60000)
    page.wait_for_timeout(700)


@pytest.mark.parametrize("size", VIEWPORTS, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", PAGES)
def test_page_fits_and_no_text_overlaps(app_url, browser, request, name, size):
    if (name, size) in KNOWN:
        request.applymarker(pytest.mark.xfail(reason=KNOWN[name, size], strict=False))
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{app_url}/{name}")
        page.wait_for_selector('[data-testid="stApp"]')
        page.wait_for_selector('[data-testid="stMain"] h2, [data-testid="stMain"] h1, .pm-deck', timeout=60000)
        settle(page)
        drawn = wait_for_charts(page)
        overflow = page.evaluate(OVERFLOW)
        charts = page.evaluate(CHARTS)
        bars = page.evaluate(HTML_BARS)
        screenshot(page, SHOTS / f"{name}_{width}x{height}.png", width, height)
        assert charts["charts"] == drawn, charts
        if name in WITH_CHARTS:
            assert drawn >= WITH_CHARTS[name], f"{name}: {drawn} charts"
        if name in WITH_HTML_BARS:
            assert bars["charts"] >= WITH_HTML_BARS[name], f"{name}: {bars['charts']} HTML bar charts"
        problems = overflow + charts["problems"] + bars["problems"]
        assert not problems, f"{name} at {width}×{height}:\n" + "\n".join(problems[:40])
    finally:
        context.close()
