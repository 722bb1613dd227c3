-- purpose: actual beside target for every indicator × level × place × year, with gap and completion.
-- grain: indicator_id × level × county × town × year (the baseline year included, for trajectories)
-- Reads temp tables: rolled (rollup.sql, with rollup_prefecture.sql's rows in a plan with prefectures),
-- indicator_defs, plan_targets, quotas, places, years.
-- quotas.source: 'issued' (任务分解, the plan's quotas) or 'split' (测算分解, metrics/split.py; quota null where it
-- could not be estimated); target_source says where each row's target comes from. quotas.level: 'county', or
-- 'prefecture' for a prefecture's target, the sum of its counties' quotas (metrics/scorecard.py _prefecture_quotas).
-- Places come from the gazetteer and from the data, so a county that has not reported still gets a row. Rows come
-- in no particular order: classify.sql orders them.
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
)
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
