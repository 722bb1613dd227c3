-- purpose: the village/community roster as queries see it: one row per unit and year, the latest report winning.
-- grain: year × county × town × village
-- A report with no 统计截至 is a year-end report (12-31).
SELECT * REPLACE (report_date(as_of, year) AS as_of)
FROM raw_villages
QUALIFY row_number() OVER (
    PARTITION BY year, county, town, village
    ORDER BY report_date(as_of, year) DESC
) = 1
