"""Report 1: a person's HEF profile for their care record."""
