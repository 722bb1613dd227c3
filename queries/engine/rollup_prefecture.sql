-- purpose: roll every measure's rows up to the prefectures (市（州）) of a province's or the nation's plan, like rollup.sql rolls them up to the region: sums of numerator and denominator, never averages of ratios.
-- grain: indicator_id × year × prefecture
-- Reads the temp tables measure_rows (as rollup.sql) and prefectures (county, prefecture: the plan's counties).
-- A prefecture row has level 'prefecture' and the prefecture's name in county (town NULL), so it joins the
-- scorecard's places, targets and quotas as a county row does. Only run when the plan has prefectures.
SELECT
    m.indicator_id,
    m.year::INTEGER AS year,
    'prefecture' AS level,
    p.prefecture AS county,
    NULL::VARCHAR AS town,
    sum(m.num) AS num,
    sum(m.den) AS den,
    sum(m.missing) AS missing_units,
    count(DISTINCT m.county) FILTER (WHERE m.missing > 0) AS missing_counties,
    max(m.as_of) AS as_of
FROM measure_rows m
JOIN prefectures p ON p.county = m.county
GROUP BY m.indicator_id, m.year, p.prefecture
