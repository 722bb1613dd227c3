-- purpose: audit: a 示范命名年度 later than the report's 年度 (a unit cannot count before it is named).
-- grain: one row per offending row
-- template: village,town,county
-- severity: error
SELECT row_no, 'demo_year' AS key, demo_year::VARCHAR AS value,
       '示范命名年度 ' || demo_year::VARCHAR || ' 晚于年度 ' || year::VARCHAR AS message
FROM upload
WHERE demo_year > year
ORDER BY row_no
