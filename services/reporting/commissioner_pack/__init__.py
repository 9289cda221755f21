"""Report 3: for an ICB, the HEF summary of the trusts it commissions, side by side."""
