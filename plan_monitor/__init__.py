"""Plan Monitor: targets of three-year action plans against progress data."""
