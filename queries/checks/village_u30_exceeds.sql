-- purpose: audit: more reserve cadres under 30 than reserve cadres in all (one of the two numbers is wrong).
-- grain: one row per offending village row
-- template: village
-- severity: error
SELECT row_no, 'reserve_cadres_u30' AS key, reserve_cadres_u30::VARCHAR AS value,
       '其中30岁以下后备干部（' || reserve_cadres_u30::VARCHAR || '）多于后备干部总数（'
       || reserve_cadres::VARCHAR || '）' AS message
FROM upload
WHERE reserve_cadres_u30 > reserve_cadres
ORDER BY row_no
