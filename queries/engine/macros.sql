-- purpose: rules several queries share, so each reading of the plan is written once.
-- grain: none (macros, no rows)
-- Macro report_date: a row's 统计截至, a blank read as its year's 12-31 (the rule of plan_monitor/sources/report_dates.py).
-- Macro counts_as_named: a unit flagged as demo counts toward the plan in `year` when it was named in or after the
-- plan's first year and no later than `year`; for a flow (当年新增) only when named in that very year.
CREATE OR REPLACE MACRO report_date(as_of, year) AS
    coalesce(as_of, make_date(year::INTEGER, 12, 31));
CREATE OR REPLACE MACRO counts_as_named(is_demo, named_year, year, plan_start, flow) AS
    coalesce(is_demo AND named_year >= plan_start AND named_year <= year AND (NOT flow OR named_year = year), false);
