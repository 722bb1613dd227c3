-- purpose: audit: blank cells in optional count and amount columns, per column with counts per county; a blank is missing (未填报), never 0.
-- grain: one row per column that has blank cells
-- template: all
-- severity: warning
-- A 社区's blank in the village roster is by design (income and reserve cadres are asked of 村 only), so it is not
-- counted. A column the file lacks altogether is absent_column.sql's warning, and a cell that could not be read
-- has its own error.
WITH blank AS (
    SELECT m.key, m.header, m.position, coalesce(u.county, '（县名空白）') AS county, c.row_no
    FROM upload_cells AS c
    JOIN upload_columns AS m USING (key)
    JOIN upload_units AS u USING (row_no)
    WHERE m.quantity AND m.present AND NOT m.required AND c.is_null AND NOT c.unreadable
      AND u.unit_type IS DISTINCT FROM '社区'
),
per_county AS (
    SELECT key, header, position, county, count(*) AS n, min(row_no) AS first_row
    FROM blank
    GROUP BY ALL
),
per_column AS (
    SELECT key, header, position, sum(n) AS n,
           string_agg(county || ' ' || n::VARCHAR, '、' ORDER BY first_row) AS counties
    FROM per_county
    GROUP BY ALL
),
example_rows AS (
    SELECT key, string_agg(row_no::VARCHAR, '、' ORDER BY row_no) AS rows
    FROM (SELECT key, row_no, row_number() OVER (PARTITION BY key ORDER BY row_no) AS k FROM blank)
    WHERE k <= 5
    GROUP BY ALL
)
SELECT NULL::BIGINT AS row_no, p.key, NULL::VARCHAR AS value,
       '“' || p.header || '”有 ' || p.n::VARCHAR || ' 个空白单元格（' || p.counties || '；第 ' || e.rows
       || CASE WHEN p.n > 5 THEN ' 行等' ELSE ' 行' END
       || '）：空白按未填报处理，不计为 0，相关指标将注明“未填报”；如实际为 0 请填 0' AS message
FROM per_column AS p
JOIN example_rows AS e USING (key)
ORDER BY p.position
