"""The 情况通报 draft: every number in the text is re-derived from the scorecard rows it names."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.briefing.bulletin import bulletin, indicator_paragraph, slide_notes
from plan_monitor.outputs.briefing.deck import build_deck
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.present.format import fmt_date, fmt_expected, fmt_rate, fmt_value

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
CASES = [(2024, None), (2024, "公安县"), (2023, None), (2023, "公安县")]
VERDICT = {"严重滞后（红牌）": "far_behind", "滞后（黄牌）": "behind", "已完成年度目标": "met", "进度正常": "on_pace"}


@pytest.fixture(scope="module")
def monitor():
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)


@pytest.fixture(scope="module", params=CASES, ids=[f"{y}-{c or '全市'}" for y, c in CASES])
def deck(request, monitor):
    year, county = request.param
    return build_deck(monitor, year, county)


def _na(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v)


def fig(row, col) -> str:
    return fmt_value(None if _na(row[col]) else float(row[col]), row["unit"], row["kind"])


def expected_fig(row) -> str:
    """时序要求 as the one formatter states it: a count rounded toward what is required (up, or down when lower is
    better: 应压减至 92个 for 92.7)."""
    return fmt_expected(None if _na(row["expected"]) else float(row["expected"]), row["unit"], row["kind"],
                        row["direction"])


def times(x: float) -> str:
    return f"{int(x)}" if float(x).is_integer() else f"{x:.2f}"


def expected_rate(row) -> float | None:
    """时序进度 computed here independently: expected ÷ target, or for a zero threshold the share of units
    that would meet it if exactly the expected number still missed it."""
    if _na(row["expected"]) or _na(row["target"]):
        return None
    if row["kind"] == "threshold":
        return (row["den"] - row["expected"]) / row["den"]
    if row["direction"] == "higher" and row["target"] == 0:
        return None  # nothing to divide by: a county whose split share is 0 (no 街道, say)
    return row["expected"] / row["target"] if row["direction"] == "higher" else row["target"] / row["expected"]


def indicator_slides(deck):
    return [s for s in deck.slides if s.kind == "indicator"]


def part_col(deck) -> str:
    return "county" if deck.county is None else "town"


def split(paragraph: str) -> tuple[str, str]:
    """The place's own sentence and the sentence on its counties (towns)."""
    own, _, parts = paragraph.partition("。")
    return own, parts


# --- every number is a scorecard number ---------------------------------------------------------------------

def allowed_numbers(deck) -> set[str]:
    texts = [str(deck.year), fmt_date(deck.as_of)]
    for s in deck.slides:
        if s.kind not in ("overall", "indicator", "cards"):
            continue
        for _, r in s.rows.iterrows():
            for col in ("actual", "target", "final_target", "baseline"):
                texts.append(fig(r, col))
            texts.append(expected_fig(r))
            texts.append(fmt_rate(r["completion"]))
            rate = expected_rate(r)
            texts.append(fmt_rate(rate))
            if r["kind"] == "multiple" and not _na(r["baseline"]) and r["baseline"] > 0:
                texts += [times(r["actual"] / r["baseline"]), times(r["target"] / r["baseline"])]
    overall = next(s.rows for s in deck.slides if s.kind == "overall")
    cards = next(s.rows for s in deck.slides if s.kind == "cards")
    counts = [len(overall), *overall["status"].value_counts().tolist(), int(overall["status"].isna().sum()), 0,
              (cards["card"] == "红牌").sum(), (cards["card"] == "黄牌").sum(),
              int(overall["pace"].isin(["too_slow", "stagnating", "backwards"]).sum())]
    texts += [str(int(n)) for n in counts]
    return {n for t in texts for n in NUMBER.findall(t)}


def all_text(deck) -> list[str]:
    b = bulletin(deck)
    texts = [b.title, b.date_line, b.opening, *b.paragraphs, b.cards_paragraph, b.closing, b.source,
             *b.table.astype(str).to_numpy().ravel().tolist(), *slide_notes(deck)]
    return texts


def strip_names(deck, text: str) -> str:
    names = sorted({s.title for s in indicator_slides(deck)} |
                   {n for s in deck.slides if s.kind == "overall" for n in s.rows["indicator"]} | {deck.plan_name},
                   key=len, reverse=True)
    for name in names:  # indicator names carry their own numbers (30岁, 20万元)
        text = text.replace(name, "")
    return text


def test_every_number_in_the_text_is_a_scorecard_number(deck):
    allowed = allowed_numbers(deck)
    for text in all_text(deck):
        found = set(NUMBER.findall(strip_names(deck, text)))
        assert found <= allowed, (found - allowed, text)


# --- each figure against the row it names --------------------------------------------------------------------

def test_own_sentence_figures_match_the_place_row(deck):
    subject = deck.county or "全市"
    checked = 0
    for s in indicator_slides(deck):
        row = s.rows.iloc[0]
        own, _ = split(indicator_paragraph(deck, s))
        name = re.escape(row["indicator"])
        if _na(row["actual"]):
            assert own.startswith(f"{subject}该项指标暂无数据"), own
            continue
        assert own.startswith(f"截至{fmt_date(deck.as_of)}，{subject}")
        m = re.search(rf"(?:{name}(?:累计达到|为|仍有)|新增{name})(?P<v>[^，；]+)", own)
        assert m and m["v"] == fig(row, "actual"), (own, fig(row, "actual"))
        for m in re.finditer(r"完成年度目标（(?P<t>[^）]+)）的(?P<c>[\d.]+%)", own):
            assert (m["t"], m["c"]) == (fig(row, "target"), fmt_rate(row["completion"])), own
            checked += 1
        for m in re.finditer(r"(?P<w>快于|低于|达到|略低于)时序进度（(?P<tp>[\d.]+%)）", own):
            assert m["tp"] == fmt_rate(expected_rate(row)), own
            ahead = row["actual"] >= row["expected"] - 1e-9
            assert (m["w"] in ("快于", "达到")) == ahead, own
            checked += 1
        for m in re.finditer(r"按时序进度应(?:达到|压减至)(?P<e>[^，；]+?)(?:以内)?[，；]", own):
            assert m["e"] == expected_fig(row), own
            checked += 1
        for m in re.finditer(r"应(?:达到|压减至)(?P<e>[^，；]+?)(?:以内)?，实际(?P<w>快于|慢于)时序进度", own):
            assert m["e"] == expected_fig(row), own
            assert (m["w"] == "快于") == bool((1 if row["direction"] == "higher" else -1)
                                              * (row["actual"] - row["expected"]) >= -1e-9), own
        for m in re.finditer(r"年度目标为(?:不超过)?(?P<t>[\d.,]+[^，；。（\d]*)(?=[，；。]|$)", own):
            assert m["t"] == fig(row, "target"), own
            checked += 1
        for m in re.finditer(r"为基期（(?P<b>[^）]+)）的(?P<x>[\d.]+)倍", own):
            assert m["b"] == fig(row, "baseline") and m["x"] == times(row["actual"] / row["baseline"]), own
        for m in re.finditer(r"年度目标为基期的(?P<x>[\d.]+)倍（(?P<t>[^）]+)），完成年度目标的(?P<c>[\d.]+%)", own):
            assert m["x"] == times(row["target"] / row["baseline"]) and m["t"] == fig(row, "target"), own
            assert m["c"] == fmt_rate(row["completion"]), own
            checked += 1
        for m in re.finditer(r"按计划期末目标（(?P<f>[^）]+)）", own):
            assert m["f"] == fig(row, "final_target"), own
        status = row["status"]
        phrases = {"met": "已完成年度目标", "on_pace": "进度正常", "behind": "进度滞后", "far_behind": "进度严重滞后"}
        for key, phrase in phrases.items():
            assert (phrase in own) == (status == key), (status, own)
    assert checked >= 2


def parse_parts(deck, parts_text: str) -> dict[str, dict[str, str | None]]:
    """{verdict status: {name: figure or None}} from the counties' (towns') sentence."""
    out: dict[str, dict[str, str | None]] = {}
    # a monitoring split says so in brackets after 分县（市、区）看
    body = re.sub(r"^(分.+?看(?:（[^，]*）)?，|该项目标计划未分解到.+?），|)", "", parts_text.rstrip("。"))
    for group in body.split("；"):
        for verdict, status in VERDICT.items():
            if group.endswith(verdict) and "完成情况为" not in group:
                names = group[: -len(verdict)]
                out[status] = {}
                for item in names.split("、"):
                    m = re.fullmatch(r"(?P<n>[^（]+)(?:（(?P<v>[^）]+)）)?", item)
                    out[status][m["n"]] = m["v"]
    return out


def test_counties_named_with_cards_are_the_lagging_ones_with_their_figures(deck):
    col = part_col(deck)
    named_red = 0
    for s in indicator_slides(deck):
        parts = s.rows.iloc[1:]
        _, text = split(indicator_paragraph(deck, s))
        parsed = parse_parts(deck, text)
        for status in ("met", "on_pace", "behind", "far_behind"):
            expected = parts[parts["status"] == status]
            assert set(parsed.get(status, {})) == set(expected[col]), (s.title, status, text)
            if status in ("behind", "far_behind"):
                for _, r in expected.iterrows():
                    assert parsed[status][r[col]] == fig(r, "actual"), (s.title, r[col], text)
        named_red += len(parsed.get("far_behind", {}))
    # The figures are from the scorecard itself, not only the deck: red counts agree with the card rows.
    cards = next(s.rows for s in deck.slides if s.kind == "cards")
    assert named_red == (cards["card"] == "红牌").sum()


def test_red_counties_equal_the_scorecards_far_behind_counties(monitor):
    deck = build_deck(monitor, 2024)
    rows = monitor.card.select(year=2024, level="county")
    far = rows[rows["status"] == "far_behind"]
    b = bulletin(deck)
    red_text = re.search(r"亮红牌的县（市、区）：(?P<h>.+?)。", b.cards_paragraph)["h"]
    holders = {}
    for item in red_text.split("；"):
        m = re.fullmatch(r"(?P<n>[^（]+)（(?P<i>.+)）", item)
        holders[m["n"]] = set(m["i"].split("、"))
    assert set(holders) == set(far["county"]) and len(holders) >= 3
    for county, inds in holders.items():
        assert inds == set(far.loc[far["county"] == county, "indicator"])
    counts = re.search(r"共亮红牌(\d+)张、黄牌(\d+)张", b.cards_paragraph)
    assert int(counts[1]) == len(far) and int(counts[2]) == (rows["status"] == "behind").sum()
    assert "公安县" in b.closing.split("要对照年度目标倒排工期")[0]


def test_opening_counts_statuses_of_the_place(deck):
    overall = next(s.rows for s in deck.slides if s.kind == "overall")
    b = bulletin(deck)
    m = re.search(r"纳入监测的(\d+)项指标中，已完成(\d+)项、正常推进(\d+)项、滞后(\d+)项、严重滞后(\d+)项", b.opening)
    counts = overall["status"].value_counts()
    assert [int(x) for x in m.groups()] == [len(overall)] + [int(counts.get(k, 0)) for k in
                                                             ("met", "on_pace", "behind", "far_behind")]
    unrated = int(overall["status"].isna().sum())
    assert (f"另有{unrated}项" in b.opening) == (unrated > 0)


def test_the_example_wording_for_a_flow_count_at_the_third_quarter(monitor):
    deck = build_deck(monitor, 2024)
    slide = next(s for s in indicator_slides(deck) if s.indicator_id == "demo_counties")
    text = indicator_paragraph(deck, slide)
    # 30 September is day 274 of 366 in 2024: a flow target's time progress is that share of the year.
    assert slide.rows.iloc[0]["time_progress"] == pytest.approx(274 / 366, abs=1e-3)
    assert text.startswith("截至2024年9月30日，全市2024年新增示范县（市、区）1个，完成年度目标（2个）的50.0%，"
                           "低于时序进度（74.9%），进度滞后")


def test_split_targets_are_labelled_as_monitoring_splits(monitor):
    city = build_deck(monitor, 2024)
    villages = next(s for s in indicator_slides(city) if s.indicator_id == "demo_villages")
    _, parts = split(indicator_paragraph(city, villages))
    assert parts.startswith("分县（市、区）看（各县（市、区）目标为测算分解（非正式下达）），沙市区、松滋市、石首市、荆州区、"
                            "荆州经济技术开发区已完成年度目标；江陵县（4个）、公安县（9个）")
    county = build_deck(monitor, 2024, "公安县")
    villages = next(s for s in indicator_slides(county) if s.indicator_id == "demo_villages")
    text = indicator_paragraph(county, villages)
    assert "公安县示范村累计达到9个，完成年度目标（47个，测算分解（非正式下达））的19.1%" in text


def test_unsplit_targets_are_said_not_invented(unsplit_targets):
    monitor = Monitor.build(unsplit_targets, DEFAULT_DATA)
    city = build_deck(monitor, 2024)
    villages = next(s for s in indicator_slides(city) if s.indicator_id == "demo_villages")
    _, parts = split(indicator_paragraph(city, villages))
    assert parts.startswith("该项目标计划未分解到县（市、区），各县（市、区）完成情况为：松滋市64个")
    assert "目标（" not in parts and "%" not in parts
    county = build_deck(monitor, 2024, "公安县")
    villages = next(s for s in indicator_slides(county) if s.indicator_id == "demo_villages")
    text = indicator_paragraph(county, villages)
    assert "公安县示范村累计达到9个，该项目标计划未分解到县（市、区）。" in text
    assert "年度目标" not in text and "时序" not in text
    # A year without a target of its own compares with the plan's end target by time progress, and says so.
    sites = next(s for s in indicator_slides(build_deck(monitor, 2023)) if s.indicator_id == "shared_sites")
    text = indicator_paragraph(build_deck(monitor, 2023), sites)
    assert "计划未设2023年目标，按计划期末目标（150个）和时序进度测算，应达到100个，实际慢于时序进度，进度滞后" in text
    assert "完成年度目标" not in text


def test_county_deck_names_its_lagging_towns(monitor):
    deck = build_deck(monitor, 2024, "公安县")
    towns = monitor.card.select(year=2024, level="town", county="公安县", indicator_id="village_income_20w")
    slide = next(s for s in indicator_slides(deck) if s.indicator_id == "village_income_20w")
    parsed = parse_parts(deck, split(indicator_paragraph(deck, slide))[1])
    assert set(parsed["far_behind"]) == set(towns.loc[towns["status"] == "far_behind", "town"])
    assert len(parsed["far_behind"]) >= 5
    assert "亮红牌的乡镇（街道）：" in bulletin(deck).cards_paragraph


def test_table_has_one_row_per_indicator_with_its_figures(deck):
    overall = next(s.rows for s in deck.slides if s.kind == "overall")
    table = bulletin(deck).table
    assert list(table.columns) == ["指标", "单位", "年度目标", "完成值", "完成率", "时序进度", "状态"]
    assert list(table["指标"]) == list(overall["indicator"])
    for (_, t), (_, r) in zip(table.iterrows(), overall.iterrows()):
        unit = "%" if r["unit"] == "%" else ""
        actual = fmt_value(None if _na(r["actual"]) else r["actual"], unit, r["kind"])
        assert (t["单位"], t["完成值"], t["完成率"]) == (r["unit"], actual, fmt_rate(r["completion"]))
        assert t["时序进度"] == fmt_rate(expected_rate(r))
        assert t["状态"] == (r["status_label"] if isinstance(r["status_label"], str) else "—")
        if _na(r["target"]):
            assert t["年度目标"] == (r["target_note_label"] if isinstance(r["target_note_label"], str) else "—")


def test_slide_notes_follow_the_slides(deck):
    notes = slide_notes(deck)
    b = bulletin(deck)
    assert len(notes) == len(deck.slides) and all(notes)
    for slide, note in zip(deck.slides, notes):
        if slide.kind == "indicator":
            assert note == indicator_paragraph(deck, slide)
            assert any(p.endswith(note) for p in b.paragraphs)
        elif slide.kind == "overall":
            assert note == b.opening
        elif slide.kind == "cards":
            assert note == b.cards_paragraph
        elif slide.kind == "summary":
            assert note == b.closing
        elif slide.kind == "title":
            assert deck.plan_name in note and str(deck.year) in note


def test_heading_numbering_and_demo_mark(deck):
    b = bulletin(deck)
    assert b.title.startswith("关于") and b.title.endswith("的通报") and deck.plan_name in b.title
    assert b.leads[0] == f"（一）{indicator_slides(deck)[0].title}。"
    assert b.leads[9].startswith("（十）") and b.leads[10].startswith("（十一）")
    assert [p.startswith(lead) for p, lead in zip(b.paragraphs, b.leads)] == [True] * len(b.leads)
    assert deck.is_demo and "示例数据" in b.date_line and "示例数据" in b.source
    assert f"数据截至{fmt_date(deck.as_of)}" in b.date_line


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_a_target_of_0_gets_no_completion_rate_in_any_output(monitor, year):
    """Where the year's target is 0 and more is better, 完成率 has nothing to divide by: the scorecard has none,
    the slides and the 附表 show —, and the 通报's sentence states the target and the status without a rate."""
    seen = 0
    for county in monitor.geo.counties["county"]:
        deck = build_deck(monitor, year, county)
        b = bulletin(deck)
        table = b.table.set_index(b.table.columns[0])
        for slide in indicator_slides(deck):
            own = slide.rows.iloc[0]
            if own["level"] != "county" or own["direction"] != "higher" or pd.isna(own["actual"]) \
                    or own["target"] != 0:
                continue
            assert pd.isna(own["completion"])  # the one value every output reads
            text = split(indicator_paragraph(deck, slide))[0]
            assert "完成年度目标（" not in text and "的—" not in text and "%" not in text, text
            assert "年度目标为0个" in text, text
            if own["status"] == "met":
                assert "已完成年度目标" in text
            assert table.loc[slide.title, "完成率"] == "—"
            seen += 1
    assert seen >= 2
