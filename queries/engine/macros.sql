-- purpose: rules several measure queries share, so each reading of the plan is written once.
-- grain: none (macros, no rows)
-- Macro counts_as_named: a unit flagged as demo counts toward the plan in `year` when it was named in or after the
-- plan's first year and no later than `year`; for a flow (当年新增) only when named in that very year.
CREATE OR REPLACE MACRO counts_as_named(is_demo, named_year, year, plan_start, flow) AS
    coalesce(is_demo AND named_year >= plan_start AND named_year <= year AND (NOT flow OR named_year = year), false);
