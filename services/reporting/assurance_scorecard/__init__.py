"""The board assurance scorecard report: the 40 cells at a glance, and the roll-ups by key
line of enquiry and by national priority."""
