-- purpose: 卓越党建 brand projects created since the plan began (cumulative, as reported by each county).
-- grain: year × county
-- reads: county_stats
SELECT year, county, NULL::VARCHAR AS town,
    sum(coalesce(brand_projects, 0))::DOUBLE AS num,
    count(*)::DOUBLE AS den,
    max(as_of) AS as_of
FROM county_stats
GROUP BY ALL
