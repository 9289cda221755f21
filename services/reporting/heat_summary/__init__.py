"""The HEAT summary report: a project's Health Equity Assessment Tool assessment, and
optionally the organisation's audit of HEAT use and impact."""
