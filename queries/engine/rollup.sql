-- purpose: roll every measure's rows up the hierarchy: sums of numerator and denominator, never averages of ratios.
-- grain: indicator_id × year × level (city, county, town) × place
-- Reads the temp table measure_rows (indicator_id, year, county, town, num, den, missing, as_of): one row per
-- indicator × year × county × town, each measure's grain (metrics/scorecard.py measure_rows checks it), so a town's
-- row is its measure row as it is; only counties and the region are summed.
-- missing_units sums the units whose input was blank (left out of num and den); missing_counties counts the
-- member counties with any, so a total can say which part of it is unknown: on a county's or a town's row whether
-- its own county has any (0 or 1, a plain filtered count); on the region's row the distinct counties, in a grouping
-- of their own. (One DISTINCT count over grouping sets with a town level re-summed took ~1.2 s of CPU nationally.)
-- A town's `num + 0.0` is what a sum of its one value gives (-0.0 becomes 0.0).
SELECT
    indicator_id,
    year::INTEGER AS year,
    'city' AS level,
    NULL::VARCHAR AS county,
    NULL::VARCHAR AS town,
    sum(num) AS num,
    sum(den) AS den,
    sum(missing) AS missing_units,
    count(DISTINCT county) FILTER (WHERE missing > 0) AS missing_counties,
    max(as_of) AS as_of
FROM measure_rows
GROUP BY indicator_id, year
UNION ALL
SELECT
    indicator_id,
    year::INTEGER AS year,
    'county' AS level,
    county,
    NULL::VARCHAR AS town,
    sum(num) AS num,
    sum(den) AS den,
    sum(missing) AS missing_units,
    (count(county) FILTER (WHERE missing > 0) > 0)::BIGINT AS missing_counties,
    max(as_of) AS as_of
FROM measure_rows
GROUP BY indicator_id, year, county
UNION ALL
SELECT
    indicator_id,
    year::INTEGER AS year,
    'town' AS level,
    county,
    town,
    num + 0.0 AS num,
    den + 0.0 AS den,
    missing + 0.0 AS missing_units,
    coalesce(county IS NOT NULL AND missing > 0, false)::BIGINT AS missing_counties,
    as_of
FROM measure_rows
WHERE town IS NOT NULL
