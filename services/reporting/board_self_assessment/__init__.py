"""The board self-assessment report: of a stored assessment, or of a private session that
nothing stores (decision 0039)."""
