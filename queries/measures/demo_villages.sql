-- purpose: demo villages or communities named under the plan; num = demo units, den = all units of that type.
-- grain: year × county × town
-- reads: villages
-- stock ($flow = false): demo at the report date and named in or after the plan's first year.
-- flow ($flow = true): named in that very year. A blank 示范命名年度 falls back to the first year the unit was flagged.
WITH units AS (
    SELECT * FROM villages WHERE unit_type = $unit_type
),
first_flag AS (
    SELECT county, town, village, min(year) AS first_year FROM units WHERE is_demo GROUP BY ALL
),
named AS (
    SELECT u.*, coalesce(u.demo_year, f.first_year) AS named_year
    FROM units u LEFT JOIN first_flag f USING (county, town, village)
)
SELECT year, county, town,
    count(*) FILTER (WHERE counts_as_named(is_demo, named_year, year, $plan_start, $flow))::DOUBLE AS num,
    count(*)::DOUBLE AS den,
    0::DOUBLE AS missing,
    max(as_of) AS as_of
FROM named
GROUP BY ALL
