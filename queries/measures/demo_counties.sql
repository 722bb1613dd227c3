-- purpose: demo counties named under the plan; num = demo counties, den = counties reporting.
-- grain: year × county
-- reads: counties
-- Stock/flow as in demo_villages.sql (macro counts_as_named in macros.sql).
WITH first_flag AS (
    SELECT county, min(year) AS first_year FROM counties WHERE is_demo GROUP BY ALL
),
named AS (
    SELECT c.*, coalesce(c.demo_year, f.first_year) AS named_year
    FROM counties c LEFT JOIN first_flag f USING (county)
)
SELECT year, county, NULL::VARCHAR AS town,
    count(*) FILTER (WHERE counts_as_named(is_demo, named_year, year, $plan_start, $flow))::DOUBLE AS num,
    count(*)::DOUBLE AS den,
    0::DOUBLE AS missing,
    max(as_of) AS as_of
FROM named
GROUP BY ALL
