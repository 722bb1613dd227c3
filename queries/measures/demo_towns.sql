-- purpose: demo towns (镇/乡) or demo subdistricts (街道) named under the plan; num = demo units, den = units of that kind.
-- grain: year × county × town
-- reads: towns
-- $subdistrict = true counts 街道, false counts 镇 and 乡. Stock/flow as in demo_villages.sql (macro counts_as_named in macros.sql).
WITH units AS (
    SELECT * FROM towns WHERE (town_type = '街道') = $subdistrict
),
first_flag AS (
    SELECT county, town, min(year) AS first_year FROM units WHERE is_demo GROUP BY ALL
),
named AS (
    SELECT u.*, coalesce(u.demo_year, f.first_year) AS named_year
    FROM units u LEFT JOIN first_flag f USING (county, town)
)
SELECT year, county, town,
    count(*) FILTER (WHERE counts_as_named(is_demo, named_year, year, $plan_start, $flow))::DOUBLE AS num,
    count(*)::DOUBLE AS den,
    0::DOUBLE AS missing,
    max(as_of) AS as_of
FROM named
GROUP BY ALL
