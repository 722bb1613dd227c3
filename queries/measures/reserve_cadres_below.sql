-- purpose: villages with fewer reserve cadres than required; num = villages below, den = villages.
-- grain: year × county × town
-- reads: villages
-- $under30 = true counts only reserve cadres under 30. A blank count is taken as zero.
SELECT year, county, town,
    count(*) FILTER (
        WHERE coalesce(CASE WHEN $under30 THEN reserve_cadres_u30 ELSE reserve_cadres END, 0) < $min_cadres
    )::DOUBLE AS num,
    count(*)::DOUBLE AS den,
    max(as_of) AS as_of
FROM villages
WHERE unit_type = '村'
GROUP BY ALL
