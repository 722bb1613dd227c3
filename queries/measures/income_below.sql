-- purpose: villages (and optionally communities) whose collective income is below a floor; num = below, den = units.
-- grain: year × county × town
-- reads: villages
-- A blank income counts as below: a unit proves it meets the floor by reporting it.
SELECT year, county, town,
    count(*) FILTER (WHERE coalesce(income_wan, -1) < $threshold_wan)::DOUBLE AS num,
    count(*)::DOUBLE AS den,
    max(as_of) AS as_of
FROM villages
WHERE unit_type = '村' OR $include_communities
GROUP BY ALL
