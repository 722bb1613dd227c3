-- purpose: villages with fewer reserve cadres than required; num = villages below, den = villages.
-- grain: year × county × town
-- reads: villages
-- $under30 = true counts only reserve cadres under 30. A blank count is missing, not zero: the village is left
-- out of num and den and counted in `missing`.
WITH counted AS (
    SELECT *, CASE WHEN $under30 THEN reserve_cadres_u30 ELSE reserve_cadres END AS cadres
    FROM villages
    WHERE unit_type = '村'
)
SELECT year, county, town,
    count(*) FILTER (WHERE cadres < $min_cadres)::DOUBLE AS num,
    count(cadres)::DOUBLE AS den,
    count(*) FILTER (WHERE cadres IS NULL)::DOUBLE AS missing,
    max(as_of) AS as_of
FROM counted
GROUP BY ALL
