"""Cycle counts (issue 18, item 6): a bin counted blind at a station, variances above a threshold approved by a
supervisor, approved counts posted to the stock ledger (reason ``count``), and the plan of the bins due today."""
