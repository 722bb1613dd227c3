-- purpose: 卓越党建 brand projects created since the plan began (cumulative, as reported by each county).
-- grain: year × county
-- reads: county_stats
-- A blank cell is missing, not 0: that county's num is null and it counts in `missing`.
SELECT year, county, NULL::VARCHAR AS town,
    sum(brand_projects)::DOUBLE AS num,
    count(brand_projects)::DOUBLE AS den,
    count(*) FILTER (WHERE brand_projects IS NULL)::DOUBLE AS missing,
    max(as_of) AS as_of
FROM county_stats
GROUP BY ALL
