-- purpose: party-building shared sites built since the plan began (cumulative, as reported by each county).
-- grain: year × county
-- reads: county_stats
-- A blank cell is missing, not 0: that county's num is null and it counts in `missing`.
SELECT year, county, NULL::VARCHAR AS town,
    sum(shared_sites)::DOUBLE AS num,
    count(shared_sites)::DOUBLE AS den,
    count(*) FILTER (WHERE shared_sites IS NULL)::DOUBLE AS missing,
    max(as_of) AS as_of
FROM county_stats
GROUP BY ALL
