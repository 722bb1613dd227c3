-- purpose: audit: an optional count or amount column the file lacks altogether; the units it adds lack the figure (missing, never 0).
-- grain: one row per absent column
-- template: all
-- severity: warning
-- Units already stored are not concerned: under 补充更正 (merge) they keep their stored values, and under 整体替换
-- (replace) the clearing of their values is asked separately (ingest.corrections, check cleared_column).
-- Not raised when every unit concerned is a 社区 of the village roster (those columns are asked of 村 only).
-- The absent columns come first: a file with every column skips the comparison of its units with the stored ones.
WITH absent AS (
    SELECT key, header, position FROM upload_columns WHERE quantity AND NOT required AND NOT present
),
concerned AS (
    SELECT u.* FROM upload_units AS u
    WHERE EXISTS (SELECT 1 FROM absent) AND u.unit_type IS DISTINCT FROM '社区'
      AND NOT EXISTS (SELECT 1 FROM current_units AS c WHERE c.unit = u.unit AND c.year = u.year)
)
SELECT NULL::BIGINT AS row_no, key, NULL::VARCHAR AS value,
       '文件没有“' || header || '”列：本文件新增的 ' || (SELECT count(*) FROM concerned)
       || ' 个单位该项按未填报处理（不计为 0），相关指标将注明“未填报”'
       || CASE WHEN $mode = 'merge' THEN '；已有单位保留原值' ELSE '' END
       || '；如有该项数据请补上此列后重新上传' AS message
FROM absent
WHERE EXISTS (SELECT 1 FROM concerned)
ORDER BY position
