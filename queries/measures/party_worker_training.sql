-- purpose: share of grassroots party-affairs workers who completed rotation training; num = trained, den = workers.
-- grain: year × county
-- reads: county_stats
-- A county with either count blank is left out of num and den and counted in `missing`.
SELECT year, county, NULL::VARCHAR AS town,
    sum(party_workers_trained) FILTER (WHERE party_workers_trained IS NOT NULL AND party_workers IS NOT NULL)::DOUBLE AS num,
    sum(party_workers) FILTER (WHERE party_workers_trained IS NOT NULL AND party_workers IS NOT NULL)::DOUBLE AS den,
    count(*) FILTER (WHERE party_workers_trained IS NULL OR party_workers IS NULL)::DOUBLE AS missing,
    max(as_of) AS as_of
FROM county_stats
GROUP BY ALL
