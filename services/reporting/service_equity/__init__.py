"""The service equity report: one activity dataset's completeness, engagement and outcomes
by group, and (when asked) representation and the evaluation of a change."""
