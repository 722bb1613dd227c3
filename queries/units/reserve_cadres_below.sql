-- purpose: drill-down twin of reserve_cadres_below.sql: each village of one town and whether it has enough reserve cadres.
-- grain: village (one year, one county, one town)
-- reads: villages
SELECT village, unit_type,
    -- NULL where the count is blank: 未填报, not 0 (as in the measure)
    CASE WHEN $under30 THEN reserve_cadres_u30 ELSE reserve_cadres END >= $min_cadres AS meets,
    is_demo, demo_year, income_wan, reserve_cadres_u30, as_of
FROM villages
WHERE unit_type = '村' AND year = $year AND county = $county AND town = $town
ORDER BY meets, village
