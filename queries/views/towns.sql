-- purpose: the town/subdistrict roster: one row per town and year, the latest report winning.
-- grain: year × county × town
SELECT * REPLACE (coalesce(as_of, make_date(year::INTEGER, 12, 31)) AS as_of)
FROM raw_towns
QUALIFY row_number() OVER (
    PARTITION BY year, county, town
    ORDER BY coalesce(as_of, make_date(year::INTEGER, 12, 31)) DESC
) = 1
