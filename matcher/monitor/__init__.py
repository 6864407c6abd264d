"""The programme's monitoring (002 §6): outcomes of a school year kept in the history,
reported, and read against the score components that formed the pairs.

`effectiveness` holds the effectiveness table (nine indicators, bands); `synthetic` writes a
year's monitoring with a planted effect (`matcher monitor sample`); `analysis` asks which
components predicted good outcomes and suggests next year's weights; `report` builds the
monitoring report (`matcher monitor report`). Heavy parts (scipy, jinja2) load on use.
"""
