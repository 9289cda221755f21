"""Service-level equity analysis (issue 22): a service's pseudonymised activity datasets,
who is missing, who disengages, and whether a change helped; every figure through the
disclosure module. See docs/equity.md."""
