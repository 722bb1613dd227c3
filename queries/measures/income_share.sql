-- purpose: share of villages whose collective income reaches a threshold; num = villages at or above, den = villages.
-- grain: year × county × town
-- reads: villages
-- Only 村 count (communities have no collective-economy target). A blank income counts as below the threshold,
-- so a missing figure can never raise the share.
SELECT year, county, town,
    count(*) FILTER (WHERE income_wan >= $threshold_wan)::DOUBLE AS num,
    count(*)::DOUBLE AS den,
    max(as_of) AS as_of
FROM villages
WHERE unit_type = '村'
GROUP BY ALL
