-- purpose: share of villages whose collective income reaches a threshold; num = villages at or above, den = villages.
-- grain: year × county × town
-- reads: villages
-- Only 村 count (communities have no collective-economy target). A blank income is missing, not below: the
-- village is left out of num and den (the share is over the villages that reported) and counted in `missing`.
SELECT year, county, town,
    count(*) FILTER (WHERE income_wan >= $threshold_wan)::DOUBLE AS num,
    count(income_wan)::DOUBLE AS den,
    count(*) FILTER (WHERE income_wan IS NULL)::DOUBLE AS missing,
    max(as_of) AS as_of
FROM villages
WHERE unit_type = '村'
GROUP BY ALL
