-- purpose: the town/subdistrict roster: one row per town and year, the latest report winning.
-- grain: year × county × town
SELECT * REPLACE (report_date(as_of, year) AS as_of)
FROM raw_towns
QUALIFY row_number() OVER (
    PARTITION BY year, county, town
    ORDER BY report_date(as_of, year) DESC
) = 1
