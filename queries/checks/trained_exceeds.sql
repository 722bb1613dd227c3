-- purpose: audit: more party workers trained than party workers in all.
-- grain: one row per offending county row
-- template: county_stats
-- severity: warning
SELECT row_no, 'party_workers_trained' AS key, party_workers_trained::VARCHAR AS value,
       '已完成轮训人数（' || party_workers_trained::VARCHAR || '）多于党务工作者总数（'
       || party_workers::VARCHAR || '），请核对' AS message
FROM upload
WHERE party_workers_trained > party_workers
ORDER BY row_no
