-- purpose: the villages and communities each county had on its roster, per year: the weights of a monitoring split.
-- grain: county × unit_type × year
-- metrics/split.py takes the baseline year's count, or a county's earliest year when its baseline roster is missing.
-- The roster view has one row per unit and year (year × county × town × village, latest report winning), so a
-- plain count(*) counts the units (a DISTINCT count of (town, village) gave the same numbers at ~1.2 s of CPU
-- nationally).
SELECT county, unit_type, year, count(*)::BIGINT AS units
FROM villages
WHERE county IS NOT NULL AND unit_type IN ('村', '社区')
GROUP BY ALL
ORDER BY county, unit_type, year
