"""Writing a plan: the plan page with its goals, indicators and activities, the decided version,
the history with restore, and roll-over to the next period."""
