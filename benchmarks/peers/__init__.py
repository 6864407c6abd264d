"""Runners: each solves one instance with one method, as its own measured subprocess.

They read the instance in the method's own input format (written by compare_peers.py)
and write the pairs they chose as `mentor_id,mentee_id` CSV (or in the method's own
output format, which compare_peers.py parses). Runners for PyPI peers run inside the
peer's virtual environment and import nothing from `matcher`.
"""
