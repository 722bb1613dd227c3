-- purpose: 报送情况: every report the plan expects, with the rows sent for it, who sent them and whether it is late.
-- grain: county × template × year × as_of (expected 统计截至)
-- Reads reporting_schedule (county, county_order, template, roster_order, roster, table_name, year, as_of),
-- reporting_slices (table_name, county, year, as_of, n_rows) and reporting_owners (table_name, county, year,
-- as_of, version, reported_by, reported_at, file_name), registered by plan_monitor/metrics/completeness.py.
-- A report counts only for the 统计截至 it states: an earlier one does not stand in for a later round.
-- A round is not yet due up to its 统计截至, missing (未报送) in the days allowed after it, overdue after those.
WITH matched AS (
    SELECT
        s.*,
        s.as_of + $due_days::INTEGER AS due,
        coalesce(r.n_rows, 0) AS n_rows,
        o.version,
        o.reported_by,
        o.reported_at,
        o.file_name
    FROM reporting_schedule AS s
    LEFT JOIN reporting_slices AS r USING (table_name, county, year, as_of)
    LEFT JOIN reporting_owners AS o USING (table_name, county, year, as_of)
)
SELECT
    county,
    template,
    roster,
    year::INTEGER AS year,
    as_of,
    due,
    n_rows::BIGINT AS "rows",
    CASE
        WHEN n_rows > 0 THEN 'reported'
        WHEN $today::DATE > due THEN 'overdue'
        WHEN $today::DATE > as_of THEN 'missing'
        ELSE 'not_due'
    END AS status,
    reported_at,
    -- Rows no upload owns came with the data folder itself ($initial: 初始数据).
    CASE WHEN version IS NOT NULL THEN reported_by WHEN n_rows > 0 THEN $initial END AS reported_by,
    version,
    file_name
FROM matched
ORDER BY county_order, year, as_of, roster_order
