-- purpose: audit: a 统计截至 date outside its 年度, or in the future (a typo in the year is the usual cause).
-- grain: one row per offending row
-- template: all
-- severity: error
SELECT row_no, 'as_of' AS key, strftime(as_of, '%Y-%m-%d') AS value,
       CASE WHEN year(as_of) <> year
            THEN '统计截至 ' || strftime(as_of, '%Y-%m-%d') || ' 不在年度 ' || year::VARCHAR || ' 内'
            ELSE '统计截至 ' || strftime(as_of, '%Y-%m-%d') || ' 晚于今天（' || strftime($today, '%Y-%m-%d') || '）' END
       AS message
FROM upload_units
WHERE as_of IS NOT NULL AND (year(as_of) <> year OR as_of > $today)
ORDER BY row_no
