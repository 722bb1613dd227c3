-- purpose: audit: the same unit reported twice for one 年度 and 统计截至 in one file; which row is right is unknowable.
-- grain: one row per duplicated row (every copy is listed)
-- template: all
-- severity: error
SELECT row_no, unit_key AS key, unit AS value,
       '“' || unit || '”在本文件中重复出现（第 ' || string_agg(row_no::VARCHAR, '、' ORDER BY row_no)
           OVER (PARTITION BY unit, year, as_of) || ' 行），请只保留一行' AS message
FROM upload_units
WHERE year IS NOT NULL AND unit IS NOT NULL
QUALIFY count(*) OVER (PARTITION BY unit, year, as_of) > 1
ORDER BY unit, row_no
