"""Grant applications: from draft to closed, their goals, budget, allocations and reports."""
