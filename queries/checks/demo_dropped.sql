-- purpose: audit: a unit flagged 示范 in an earlier report that this upload flags as not 示范 (revoked, or a slip?).
-- grain: one row per upload row that drops the flag
-- template: village,town,county
-- severity: warning
SELECT u.row_no, 'is_demo' AS key, '否' AS value,
       '“' || u.unit || '”在 ' || strftime(max(c.as_of), '%Y-%m-%d') || ' 的报送中为示范单位，本次填“否”；'
       || '如确已撤销命名请确认，否则请改为“是”' AS message
FROM upload_units AS u
JOIN current_units AS c
  ON c.unit = u.unit AND c.is_demo AND (c.year < u.year OR (c.year = u.year AND c.as_of < u.as_of))
WHERE NOT u.is_demo
GROUP BY u.row_no, u.unit
ORDER BY u.row_no
