-- purpose: subdistricts that have built the comprehensive smart service platform; num = with platform, den = subdistricts.
-- grain: year × county × town
-- reads: towns
SELECT year, county, town,
    count(*) FILTER (WHERE coalesce(has_smart_platform, false))::DOUBLE AS num,
    count(*)::DOUBLE AS den,
    0::DOUBLE AS missing,
    max(as_of) AS as_of
FROM towns
WHERE town_type = '街道'
GROUP BY ALL
