-- purpose: audit: the same unit reported twice for one 年度 and 统计截至 in one file; which row is right is unknowable.
-- grain: one row per duplicated row (every copy is listed); the message names the first 5 copies and the count, so
--   a file of 20,000 copies of one row costs 20,000 short messages, not 20,000 lists of 20,000 row numbers.
-- template: all
-- severity: error
WITH dup AS (
    SELECT unit, year, as_of, count(*) AS copies,
           array_to_string(list_slice(list(row_no ORDER BY row_no), 1, 5), '、') AS first_rows
    FROM upload_units
    WHERE year IS NOT NULL AND unit IS NOT NULL
    GROUP BY unit, year, as_of
    HAVING count(*) > 1
)
SELECT u.row_no, u.unit_key AS key, u.unit AS value,
       '“' || u.unit || '”在本文件中重复出现（第 ' || d.first_rows
           || CASE WHEN d.copies > 5 THEN ' 行等，共 ' || d.copies::VARCHAR || ' 行' ELSE ' 行' END
           || '），请只保留一行' AS message
FROM upload_units u
JOIN dup d ON u.unit = d.unit AND u.year = d.year AND u.as_of IS NOT DISTINCT FROM d.as_of
ORDER BY u.unit, u.row_no
