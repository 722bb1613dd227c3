-- purpose: preview of an upload: every unit in its scope (the county × 年度 × 统计截至 slices it covers) as
--          new / changed / unchanged against the current data, and units of those slices the upload drops as removed.
-- grain: one row per unit × year × 统计截至 in the upload's scope
WITH scope AS (SELECT DISTINCT county, year, as_of FROM incoming),
present AS (SELECT c.* FROM current_rows AS c JOIN scope USING (county, year, as_of))
SELECT coalesce(i.county, p.county) AS county,
       coalesce(i.year, p.year) AS year,
       coalesce(i.as_of, p.as_of) AS as_of,
       coalesce(i.unit, p.unit) AS unit,
       CASE WHEN p.unit IS NULL THEN 'new'
            WHEN i.unit IS NULL THEN 'removed'
            WHEN i.fingerprint = p.fingerprint THEN 'unchanged'
            ELSE 'changed' END AS status,
       i.row_no,
       p.row_id AS current_row
FROM incoming AS i
FULL JOIN present AS p ON i.unit = p.unit AND i.year = p.year AND i.as_of = p.as_of
ORDER BY county, year, as_of, status, unit
