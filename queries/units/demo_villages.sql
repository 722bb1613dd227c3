-- purpose: drill-down twin of demo_villages.sql: each village/community of one town and whether it counts as a demo unit.
-- grain: village (one year, one county, one town)
-- reads: villages
WITH units AS (
    SELECT * FROM villages WHERE unit_type = $unit_type AND county = $county AND town = $town
),
first_flag AS (
    SELECT village, min(year) AS first_year FROM units WHERE is_demo GROUP BY ALL
)
SELECT u.village, u.unit_type,
    counts_as_named(u.is_demo, coalesce(u.demo_year, f.first_year), u.year, $plan_start, $flow) AS meets,
    u.is_demo, u.demo_year, u.income_wan, u.reserve_cadres_u30, u.as_of
FROM units u LEFT JOIN first_flag f USING (village)
WHERE u.year = $year
ORDER BY meets, u.village
