-- purpose: share of grassroots party-affairs workers who completed rotation training; num = trained, den = workers.
-- grain: year × county
-- reads: county_stats
SELECT year, county, NULL::VARCHAR AS town,
    sum(coalesce(party_workers_trained, 0))::DOUBLE AS num,
    sum(coalesce(party_workers, 0))::DOUBLE AS den,
    max(as_of) AS as_of
FROM county_stats
GROUP BY ALL
