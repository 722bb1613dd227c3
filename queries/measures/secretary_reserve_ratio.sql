-- purpose: reserve candidates for town party secretary per town; num = candidates, den = towns (ratio = num / den).
-- grain: year × county × town
-- reads: towns
-- A town with a blank count is left out of num and den (a ratio over the towns that reported) and counted in `missing`.
SELECT year, county, town,
    sum(secretary_reserves)::DOUBLE AS num,
    count(secretary_reserves)::DOUBLE AS den,
    count(*) FILTER (WHERE secretary_reserves IS NULL)::DOUBLE AS missing,
    max(as_of) AS as_of
FROM towns
GROUP BY ALL
