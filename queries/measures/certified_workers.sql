-- purpose: certified urban community workers under 50 at the report date (a stock, compared with the baseline year).
-- grain: year × county
-- reads: county_stats
SELECT year, county, NULL::VARCHAR AS town,
    sum(coalesce(certified_workers_u50, 0))::DOUBLE AS num,
    count(*)::DOUBLE AS den,
    max(as_of) AS as_of
FROM county_stats
GROUP BY ALL
