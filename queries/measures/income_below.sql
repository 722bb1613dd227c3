-- purpose: villages (and optionally communities) whose collective income is below a floor; num = below, den = units.
-- grain: year × county × town
-- reads: villages
-- A blank income is missing, not below: the unit is left out of num and den and counted in `missing`
-- (a community's blank counts only when $include_communities, since only then is its income asked for).
SELECT year, county, town,
    count(*) FILTER (WHERE income_wan < $threshold_wan)::DOUBLE AS num,
    count(income_wan)::DOUBLE AS den,
    count(*) FILTER (WHERE income_wan IS NULL)::DOUBLE AS missing,
    max(as_of) AS as_of
FROM villages
WHERE unit_type = '村' OR $include_communities
GROUP BY ALL
