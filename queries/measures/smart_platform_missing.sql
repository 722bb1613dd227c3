-- purpose: dense centre-city subdistricts still without the smart platform; num = missing, den = dense subdistricts.
-- grain: year × county × town
-- reads: towns
SELECT year, county, town,
    count(*) FILTER (WHERE NOT coalesce(has_smart_platform, false))::DOUBLE AS num,
    count(*)::DOUBLE AS den,
    0::DOUBLE AS missing,
    max(as_of) AS as_of
FROM towns
WHERE town_type = '街道' AND coalesce(is_dense_center, false)
GROUP BY ALL
