"""TODO"""
CODE = "avoid"
FORM_DEPENDENT = False
import numpy as np
def check(roster, mentee, mentor, form):
    return np.ones(len(mentee), dtype=bool)
def details(roster, mentee, mentor, form):
    return {}
