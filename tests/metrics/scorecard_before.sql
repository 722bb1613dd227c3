-- Kept as the reference metrics/card_rows.py is pinned to (tests/metrics/test_compute_paths.py): the last
-- queries/engine/scorecard.sql, which computed the card's rows until issue 17's third computation session.
-- purpose: actual beside target for every indicator × level × place × year, with gap and completion, the round (统计截至) each is judged at and missing notes.
-- grain: indicator_id × level × county × town × year (the baseline year included, for trajectories)
-- Reads temp tables: rolled (rollup.sql, with rollup_prefecture.sql's rows in a plan with prefectures),
-- indicator_defs, plan_targets, quotas, places, years, measure_rows, and indicator_meta (indicator_id, position,
-- noun, sum_kind), level_order (level, rank) and year_rounds (year, round), registered by
-- plan_monitor/metrics/scorecard.py, which keeps the plan's order of indicators and levels.
-- quotas.source: 'issued' (任务分解, the plan's quotas) or 'split' (测算分解, metrics/split.py; quota null where it
-- could not be estimated); target_source says where each row's target comes from. quotas.level: 'county', or
-- 'prefecture' for a prefecture's target, the sum of its counties' quotas (metrics/scorecard.py _prefecture_quotas).
-- Places come from the gazetteer and from the data, so a county that has not reported still gets a row.
-- One statement: the rows with their figures (card) go straight on to their rounds and notes (kept in a temporary
-- table between two statements they took ~0.8 s more of CPU nationally).
-- Indicator and level come back as their position and rank: the names, attributes and labels are looked up on
-- whole columns in Python (text made here costs more to hand over). The rows come in no particular order:
-- metrics/scorecard.py orders them (the plan's order of indicators, then year, level, county and town, a missing
-- county or town first) and numbers each place on integer columns, which costs less than sorting the rows with all
-- their columns here (an ORDER BY and a numbering of places by a GROUP BY joined back took ~1.5 s of CPU nationally).
-- On county and town rows whose figure comes from a report older than the round (沿用), carried_from is its date;
-- on city rows with a round, counties_reported and counties_carried count the counties whose newest report of the
-- year is of the round, or older than it.
WITH listed AS (  -- the places the data gives, at the levels each indicator is shown at (one row per place)
    SELECT r.*
    FROM rolled r JOIN indicator_defs d USING (indicator_id)
    WHERE list_contains(d.levels, r.level)
),
gazetteer AS (
    SELECT DISTINCT d.indicator_id, p.level, p.county, p.town, y.year
    FROM indicator_defs d
    JOIN places p ON list_contains(d.levels, p.level)
    CROSS JOIN years y
),
-- Every place of the data with its figures, and every gazetteer place that sent nothing without them: the rows of
-- a UNION of the two place lists joined to the roll-up, without deduplicating or joining the roll-up's rows again
-- (that was 1 s of CPU nationally).
scaffold AS (
    SELECT indicator_id, level, county, town, year, num, den, as_of, missing_units, missing_counties
    FROM listed
    UNION ALL
    SELECT g.indicator_id, g.level, g.county, g.town, g.year, NULL, NULL, NULL, NULL, NULL
    FROM gazetteer g
    WHERE NOT EXISTS (
        SELECT 1 FROM listed l
        WHERE l.indicator_id = g.indicator_id AND l.level = g.level AND l.year = g.year
          AND l.county IS NOT DISTINCT FROM g.county AND l.town IS NOT DISTINCT FROM g.town)
),
measured AS (
    SELECT s.indicator_id, s.level, s.county, s.town, s.year, d.kind, d.direction, s.num, s.den, s.as_of,
        coalesce(s.missing_units, 0) AS missing_units, coalesce(s.missing_counties, 0) AS missing_counties,
        -- no unit reported the value (every input blank): no figure, not 0
        CASE WHEN s.den = 0 AND s.missing_units > 0 THEN NULL
             WHEN d.kind IN ('share', 'ratio') THEN s.num / nullif(s.den, 0) ELSE s.num END AS actual
    FROM scaffold s
    JOIN indicator_defs d USING (indicator_id)
),
base AS (
    SELECT indicator_id, level, county, town, actual AS baseline
    FROM measured WHERE year = $baseline_year
),
targeted AS (
    SELECT m.*, b.baseline, q.quota, q.source AS quota_source,
        -- a zero threshold ("every unit meets it") applies to every place; other counts only where split by quota
        p.target IS NOT NULL AND m.kind = 'threshold' AND p.target = 0 AS applies_everywhere,
        CASE
            WHEN m.kind = 'multiple' THEN b.baseline * p.target
            WHEN m.kind IN ('share', 'ratio') THEN p.target
            WHEN m.level = 'city' THEN p.target
            WHEN m.kind = 'threshold' AND p.target = 0 THEN 0
            WHEN m.level IN ('county', 'prefecture') THEN q.quota
        END AS target,
        CASE
            WHEN p.target IS NULL THEN 'no_year_target'
            WHEN m.kind = 'multiple' AND b.baseline IS NULL THEN 'no_baseline'
            WHEN m.kind IN ('count', 'threshold') AND m.level <> 'city'
                 AND NOT (m.kind = 'threshold' AND p.target = 0) AND q.quota IS NULL
                THEN CASE WHEN q.source = 'split' THEN 'no_split_base' ELSE 'no_quota' END
        END AS target_note
    FROM measured m
    LEFT JOIN base b
        ON b.indicator_id = m.indicator_id AND b.level = m.level
       AND b.county IS NOT DISTINCT FROM m.county AND b.town IS NOT DISTINCT FROM m.town
    LEFT JOIN plan_targets p ON p.indicator_id = m.indicator_id AND p.year = m.year
    -- county and prefecture rows only, matched on their level (quotas have no other levels). Every condition is an
    -- equality of both sides: written as `AND m.level = 'county'`, a condition on the left side only, DuckDB 1.5
    -- made this a nested-loop join (0.6 s nationally).
    LEFT JOIN quotas q
        ON q.indicator_id = m.indicator_id AND q.year = m.year AND q.county = m.county AND q.level = m.level
),
-- the rows of the scorecard with their figures (the rest orders, dates and notes them)
card AS (
    SELECT indicator_id, level, county, town, year, as_of, num, den, missing_units, missing_counties,
        baseline, actual, target, target_note,
        CASE
            WHEN target IS NULL THEN NULL
            WHEN level = 'city' THEN 'plan'
            WHEN applies_everywhere THEN 'city'
            WHEN kind IN ('count', 'threshold') AND quota IS NOT NULL THEN quota_source
            ELSE 'city'
        END AS target_source,
        CASE WHEN direction = 'higher' THEN target - actual ELSE actual - target END AS gap,
        CASE
            WHEN target IS NULL OR actual IS NULL THEN NULL
            WHEN kind = 'threshold' THEN (den - num) / nullif(den, 0)
            WHEN direction = 'higher' THEN actual / nullif(target, 0)
            ELSE target / nullif(actual, 0)
        END AS completion
    FROM targeted
),
newest AS (  -- only the years with a round: the others have no counts
    SELECT indicator_id, year, county, max(as_of) AS as_of
    FROM measure_rows
    WHERE county IS NOT NULL AND year IN (SELECT year FROM year_rounds)
    GROUP BY indicator_id, year, county
),
counted AS (
    SELECT n.indicator_id, n.year,
        count(*) FILTER (WHERE n.as_of >= r.round) AS counties_reported,
        count(*) FILTER (WHERE n.as_of < r.round) AS counties_carried
    FROM newest n JOIN year_rounds r ON r.year = n.year
    GROUP BY n.indicator_id, n.year
),
joined AS (
    SELECT c.*, m.position, m.noun, m.sum_kind, lv.rank AS level_rank,
        r.round, c.year >= $plan_start AS in_plan,
        c.missing_units > 0 AS incomplete
    FROM card c
    JOIN indicator_meta m ON m.indicator_id = c.indicator_id
    JOIN level_order lv ON lv.level = c.level
    LEFT JOIN year_rounds r ON r.year = c.year
)
SELECT j.position, j.level_rank, j.county, j.town, j.year, j.as_of, j.num, j.den, j.missing_units, j.missing_counties,
    j.baseline, j.actual, j.target, j.target_note, j.target_source,
    -- a sum with members missing is a partial sum: no gap or completion (plan years; the baseline year keeps them)
    CASE WHEN j.in_plan AND j.incomplete AND j.sum_kind THEN NULL ELSE j.gap END AS gap,
    CASE WHEN j.in_plan AND j.incomplete AND j.sum_kind THEN NULL ELSE j.completion END AS completion,
    j.round,
    CASE WHEN j.level IN ('county', 'town') AND j.as_of < j.round THEN j.as_of END AS carried_from,
    CASE WHEN j.level = 'city' AND j.round IS NOT NULL THEN coalesce(k.counties_reported, 0) END AS counties_reported,
    CASE WHEN j.level = 'city' AND j.round IS NOT NULL THEN coalesce(k.counties_carried, 0) END AS counties_carried,
    CASE
        WHEN NOT j.in_plan OR NOT j.incomplete THEN NULL
        WHEN j.actual IS NULL THEN '未填报'
        -- 不含 N 个县（未填报）: counties for a county-level roster, else the units; whole numbers, truncated
        ELSE '不含 ' || CAST(trunc(CASE WHEN j.noun = '县' THEN j.missing_counties ELSE j.missing_units END) AS BIGINT)
            || ' 个' || j.noun || '（未填报）'
    END AS missing_note,
    j.in_plan AND j.incomplete AND j.sum_kind AS partial_sum
FROM joined j
LEFT JOIN counted k ON k.indicator_id = j.indicator_id AND k.year = j.year
