"""The network onboarding workbook: regions, centres, funders, agreements, costs and income of
a new network in one file, previewed per sheet, committed as a whole and undone as a whole.

`sheets` is the workbook's shape and its template, `read` reads a filled one, `operations`
previews and commits it, `undo` takes a committed one back; `jobs` runs big workbooks in the
background, `views` and `cli` are the screens and the command.
"""
