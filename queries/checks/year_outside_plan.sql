-- purpose: audit: rows whose 年度 lies outside the plan's baseline year .. last plan year.
-- grain: one row per offending row
-- template: all
-- severity: error
SELECT row_no, 'year' AS key, year::VARCHAR AS value,
       '年度 ' || year::VARCHAR || ' 不在本计划的年度范围（' || $first_year::VARCHAR || '—' || $last_year::VARCHAR
       || ' 年）内' AS message
FROM upload_units
WHERE year < $first_year OR year > $last_year
ORDER BY row_no
