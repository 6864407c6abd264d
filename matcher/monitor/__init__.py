"""The programme's monitoring (002 §6): the effectiveness table's nine indicators, imported per
stage (before and after) into the history (`importer.py`), and read against the score
components that formed the pairs.

    from matcher.monitor.importer import import_monitoring
    outcome = import_monitoring("school.db", "before.csv", "before")   # problems in outcome.report
"""
