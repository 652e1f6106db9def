"""Year-end: the statement of income and expenditure a board signs (RJ 650 in the Netherlands,
the activity statement of the Norwegian standard for non-profits in Norway), consolidated per
region and for the network, and the accountant's journal export.

The national office sets the mappings (cost category -> expense group, category and fund ->
account, the funder that is the network's own national office) through `operations`; the
figures come from `queries` (SQL aggregates over the same tables the funding share reads).
"""
