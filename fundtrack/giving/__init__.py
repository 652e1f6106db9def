"""Recurring gifts and the instalments expected from them, matched to the income booked."""
