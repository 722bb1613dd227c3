"""Briefing deck export time on the demo city: the deck model, then the PPTX bytes (with and without notes).

Run: .venv/bin/python bench/briefing_bench.py [--repeats N] [--county C]
Monitor.build (plan, rosters, scorecard) is timed once and printed separately; it is shared with every page.
build_deck and deck_pptx: one warm-up call, then the median (and min–max) of N timed calls.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scorecard_bench import timed  # noqa: E402  (bench/ is on sys.path when a script in it runs)

from plan_monitor.outputs.briefing.deck import build_deck  # noqa: E402
from plan_monitor.outputs.briefing.pptx_export import deck_pptx  # noqa: E402
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS  # noqa: E402
from plan_monitor.present.views import Monitor  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--county", default=None)
    args = parser.parse_args()

    start = time.perf_counter()
    m = Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)
    monitor_s = time.perf_counter() - start
    year = m.latest_year()
    print(f"# briefing bench  python {platform.python_version()}  {platform.machine()}  repeats={args.repeats} "
          f"(median, after one warm-up)  place={args.county or m.geo.region_name} {year}")
    print(f"Monitor.build (once, not part of the export):  {monitor_s:.3f} s")

    deck_s, deck_times, deck = timed(lambda: build_deck(m, year, args.county), args.repeats)
    print(f"build_deck:                 {deck_s:.3f} s  ({min(deck_times):.3f}–{max(deck_times):.3f})  {len(deck.slides)} slides")
    pptx_s, pptx_times, data = timed(lambda: deck_pptx(deck), args.repeats)
    print(f"deck_pptx:                  {pptx_s:.3f} s  ({min(pptx_times):.3f}–{max(pptx_times):.3f})  {len(data) / 1024:.0f} KiB")
    try:
        from plan_monitor.outputs.briefing.bulletin import slide_notes
    except ImportError:
        return
    notes = slide_notes(deck)
    notes_s, notes_times, data = timed(lambda: deck_pptx(deck, slide_notes(deck)), args.repeats)
    print(f"slide_notes + deck_pptx:    {notes_s:.3f} s  ({min(notes_times):.3f}–{max(notes_times):.3f})  {len(data) / 1024:.0f} KiB"
          f"  {len(notes)} notes")
    print(f"deck + pptx + notes:        {deck_s + notes_s:.3f} s")


if __name__ == "__main__":
    main()
