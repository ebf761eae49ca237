"""Pure types and rules: partial dates, vocabularies, case types and statuses.

Nothing here imports from the rest of the package, a database or the web.
"""
