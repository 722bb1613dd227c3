-- purpose: roll every measure's rows up the hierarchy: sums of numerator and denominator, never averages of ratios.
-- grain: indicator_id × year × level (city, county, town) × place
-- Reads the temp table measure_rows (indicator_id, year, county, town, num, den, missing, as_of).
-- missing_units sums the units whose input was blank (left out of num and den); missing_counties counts the
-- member counties with any, so a total can say which part of it is unknown.
SELECT
    indicator_id,
    year::INTEGER AS year,
    CASE WHEN grouping(county) = 1 THEN 'city' WHEN grouping(town) = 1 THEN 'county' ELSE 'town' END AS level,
    county,
    town,
    sum(num) AS num,
    sum(den) AS den,
    sum(missing) AS missing_units,
    count(DISTINCT county) FILTER (WHERE missing > 0) AS missing_counties,
    max(as_of) AS as_of
FROM measure_rows
GROUP BY GROUPING SETS ((indicator_id, year), (indicator_id, year, county), (indicator_id, year, county, town))
HAVING NOT (grouping(town) = 0 AND town IS NULL)
