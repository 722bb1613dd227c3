-- purpose: audit: an optional count or amount column the file lacks altogether; its figures are missing for every unit of the file, never 0.
-- grain: one row per absent column
-- template: all
-- severity: warning
-- Not raised when every row is a 社区 of the village roster (those columns are asked of 村 only).
SELECT NULL::BIGINT AS row_no, key, NULL::VARCHAR AS value,
       '文件没有“' || header || '”列：本文件各单位的该项数据按未填报处理（不计为 0），相关指标将注明“未填报”；'
       || '如有该项数据请补上此列后重新上传' AS message
FROM upload_columns
WHERE quantity AND NOT required AND NOT present
  AND EXISTS (SELECT 1 FROM upload_units WHERE unit_type IS DISTINCT FROM '社区')
ORDER BY position
