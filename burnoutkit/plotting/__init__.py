"""Seaborn figures used by the notebooks and reports; one module per analysis family.

Every function takes a result object (or a DataFrame), draws on ``ax`` when given, and returns
the matplotlib Axes or FacetGrid it drew on.
"""
