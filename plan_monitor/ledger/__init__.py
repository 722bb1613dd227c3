"""The task ledger (清单销号): cadence periods of the plan's tasks, the state of every assignment from the ledger's
events, and the rules a batch of events must keep. Below ingest and metrics, which both read it: the write
service checks batches with its rules, the pages and briefings read its states."""
