-- purpose: the county demo roster: one row per county and year, the latest report winning.
-- grain: year × county
SELECT * REPLACE (coalesce(as_of, make_date(year::INTEGER, 12, 31)) AS as_of)
FROM raw_counties
QUALIFY row_number() OVER (
    PARTITION BY year, county
    ORDER BY coalesce(as_of, make_date(year::INTEGER, 12, 31)) DESC
) = 1
