-- purpose: actual beside target for every indicator × level × place × year, with gap and completion.
-- grain: indicator_id × level × county × town × year (the baseline year included, for trajectories)
-- Reads temp tables: rolled (rollup.sql, with rollup_prefecture.sql's rows in a plan with prefectures),
-- indicator_defs, plan_targets, quotas, places, years.
-- quotas.source: 'issued' (任务分解, the plan's quotas) or 'split' (测算分解, metrics/split.py; quota null where it
-- could not be estimated); target_source says where each row's target comes from. quotas.level: 'county', or
-- 'prefecture' for a prefecture's target, the sum of its counties' quotas (metrics/scorecard.py _prefecture_quotas).
-- Places come from the gazetteer and from the data, so a county that has not reported still gets a row.
WITH scaffold AS (
    SELECT d.indicator_id, p.level, p.county, p.town, y.year
    FROM indicator_defs d
    JOIN places p ON list_contains(d.levels, p.level)
    CROSS JOIN years y
    UNION
    SELECT r.indicator_id, r.level, r.county, r.town, r.year
    FROM rolled r JOIN indicator_defs d USING (indicator_id)
    WHERE list_contains(d.levels, r.level)
),
measured AS (
    SELECT s.*, d.kind, d.direction, r.num, r.den, r.as_of,
        coalesce(r.missing_units, 0) AS missing_units, coalesce(r.missing_counties, 0) AS missing_counties,
        -- no unit reported the value (every input blank): no figure, not 0
        CASE WHEN r.den = 0 AND r.missing_units > 0 THEN NULL
             WHEN d.kind IN ('share', 'ratio') THEN r.num / nullif(r.den, 0) ELSE r.num END AS actual
    FROM scaffold s
    JOIN indicator_defs d USING (indicator_id)
    LEFT JOIN rolled r
        ON r.indicator_id = s.indicator_id AND r.level = s.level AND r.year = s.year
       AND r.county IS NOT DISTINCT FROM s.county AND r.town IS NOT DISTINCT FROM s.town
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
ORDER BY indicator_id, year, level, county NULLS FIRST, town NULLS FIRST
