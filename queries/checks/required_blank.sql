-- purpose: audit: required cells left blank in an upload (a cell that could not be read is reported once, elsewhere).
-- grain: one row per offending cell
-- template: all
-- severity: error
SELECT c.row_no, c.key, NULL AS value,
       '必填项“' || m.header || '”为空' AS message
FROM upload_cells AS c
JOIN upload_columns AS m USING (key)
WHERE m.required AND c.is_null AND NOT c.unreadable
ORDER BY c.row_no, m.position
