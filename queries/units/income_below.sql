-- purpose: drill-down twin of income_below.sql: each unit of one town and whether its income meets the floor.
-- grain: village (one year, one county, one town)
-- reads: villages
-- meets is NULL where the income is blank: 未填报, neither meeting the floor nor below it (as in the measure).
SELECT village, unit_type, income_wan >= $threshold_wan AS meets,
    is_demo, demo_year, income_wan, reserve_cadres_u30, as_of
FROM villages
WHERE (unit_type = '村' OR $include_communities) AND year = $year AND county = $county AND town = $town
ORDER BY meets, income_wan NULLS FIRST, village
