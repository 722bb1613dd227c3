-- purpose: reserve candidates for town party secretary per town; num = candidates, den = towns (ratio = num / den).
-- grain: year × county × town
-- reads: towns
SELECT year, county, town,
    sum(coalesce(secretary_reserves, 0))::DOUBLE AS num,
    count(*)::DOUBLE AS den,
    max(as_of) AS as_of
FROM towns
GROUP BY ALL
