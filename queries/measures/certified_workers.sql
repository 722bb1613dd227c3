-- purpose: certified urban community workers under 50 at the report date (a stock, compared with the baseline year).
-- grain: year × county
-- reads: county_stats
-- A blank cell is missing, not 0: that county's num is null and it counts in `missing`.
SELECT year, county, NULL::VARCHAR AS town,
    sum(certified_workers_u50)::DOUBLE AS num,
    count(certified_workers_u50)::DOUBLE AS den,
    count(*) FILTER (WHERE certified_workers_u50 IS NULL)::DOUBLE AS missing,
    max(as_of) AS as_of
FROM county_stats
GROUP BY ALL
