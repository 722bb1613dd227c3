-- purpose: county-level counts (shared sites, brands, workers): one row per county and year, the latest report winning; a unit whose latest report is a removal marker is absent.
-- grain: year × county
-- A removal marker (removed = true, written by a 整体替换 upload) is a report that the unit is gone: it wins
-- like a report of its 统计截至 and then leaves the unit out, so the unit does not come back from an earlier round.
SELECT * EXCLUDE (removed)
FROM (
    SELECT * REPLACE (report_date(as_of, year) AS as_of)
    FROM raw_county_stats
    QUALIFY row_number() OVER (
        PARTITION BY year, county
        ORDER BY report_date(as_of, year) DESC, coalesce(removed, false) DESC
    ) = 1
)
WHERE NOT coalesce(removed, false)
