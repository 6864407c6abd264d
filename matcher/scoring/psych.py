"""TODO"""
NAME = "psych"
import numpy as np
def score(roster, mentee, mentor):
    return np.zeros(len(mentee), dtype=np.float32)
def explain(roster, mentee, mentor):
    return "psych", {}
