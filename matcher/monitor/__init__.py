"""The programme's monitoring (002 §6): the effectiveness table's nine indicators, imported per
stage (before and after) into the history (`importer.py`), reported for the year (`report.py`:
`matcher monitor report`) and read against the score components that formed the pairs
(`analysis.py`, with the weights that suggests: `suggest.py`); `synthetic.py` writes a year's
monitoring with a planted effect (`matcher monitor sample`). Heavy parts load on use.

    from matcher.monitor.importer import import_monitoring
    outcome = import_monitoring("school.db", "before.csv", "before")   # problems in outcome.report
"""
