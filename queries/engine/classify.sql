-- purpose: the scorecard's rows with what orders them, the round (统计截至) each is judged at and missing notes.
-- grain: indicator_id × level × county × town × year (the rows of scorecard.sql, the baseline year included)
-- Reads temp tables: card (scorecard.sql), measure_rows, indicator_meta (indicator_id, position, noun, sum_kind),
-- level_order (level, rank) and year_rounds (year, round), registered by plan_monitor/metrics/scorecard.py, which
-- keeps the plan's order of indicators and levels. Indicator and level come back as their position and rank: the
-- names, attributes and labels are looked up there on whole columns (text made here costs more to hand over).
-- The rows come in no particular order: that step orders them (the plan's order of indicators, then year, level,
-- county and town, a missing county or town first) and numbers each place on integer columns, which costs less
-- than sorting the rows with all their columns here (an ORDER BY and a numbering of places by a GROUP BY joined
-- back took ~1.5 s of CPU nationally).
-- On county and town rows whose figure comes from a report older than the round (沿用), carried_from is its date;
-- on city rows with a round, counties_reported and counties_carried count the counties whose newest report of the
-- year is of the round, or older than it.
WITH newest AS (  -- only the years with a round: the others have no counts
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
