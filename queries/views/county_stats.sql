-- purpose: county-level counts (shared sites, brands, workers): one row per county and year, the latest report winning.
-- grain: year × county
SELECT * REPLACE (report_date(as_of, year) AS as_of)
FROM raw_county_stats
QUALIFY row_number() OVER (
    PARTITION BY year, county
    ORDER BY report_date(as_of, year) DESC
) = 1
