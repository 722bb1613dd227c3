-- purpose: audit: numbers outside what the column can hold (negative income or counts, shares above 100%).
-- grain: one row per offending cell
-- template: all
-- severity: error
SELECT c.row_no, c.key,
       CASE WHEN c.num = trunc(c.num) THEN c.num::BIGINT::VARCHAR ELSE c.num::VARCHAR END AS value,
       CASE WHEN c.num < m.min_value THEN '“' || m.header || '”不能为负数'
            ELSE '“' || m.header || '”不能大于 ' || m.max_value::VARCHAR END AS message
FROM upload_cells AS c
JOIN upload_columns AS m USING (key)
WHERE c.num < m.min_value OR c.num > m.max_value
ORDER BY c.row_no, m.position
