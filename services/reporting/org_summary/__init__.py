"""Report 2: a team's or organisation's HEF summary for a financial year (and, laid out
side by side, report 3: the commissioner pack)."""
