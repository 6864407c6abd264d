"""PyPI `mentor-match` (imports as `matching`): its own CSV input (mentors.csv,
mentees.csv in a folder), its own rules, rounds of Munkres, its own CSV output.

Our hard rules and scores reach it the way its README says custom logic does — as rules:
a Disqualify rule for pairs outside the candidate set, for a mentor at capacity and for
a mentee who already has a mentor, and a score rule (score + 1, so that a feasible pair
always beats a disqualified one, which mentor-match scores 0). One round per unit of the
largest capacity, as its multi-round design intends.

    python run_mentor_match.py DATA_DIR OUTPUT_DIR
DATA_DIR holds mentors.csv, mentees.csv and rules.json (candidates and capacities).
"""
import json
import sys
from pathlib import Path

from matching.process import conduct_matching_from_file, create_mailing_list
from matching.rules.rule import Disqualify


class OurScore:
    def __init__(self, scores):
        self.scores = scores

    def evaluate(self, match):
        return (match.mentor.email, match.mentee.email) in self.scores

    def apply(self, match):
        return self.scores.get((match.mentor.email, match.mentee.email), -1) + 1


def main(data_dir: str, out_dir: str) -> None:
    data = Path(data_dir)
    rules_data = json.load(open(data / "rules.json", encoding="utf-8"))
    scores = {(m, t): s for m, t, s in rules_data["candidates"]}
    capacity = rules_data["capacity"]
    round_rules = [
        Disqualify(lambda match: (match.mentor.email, match.mentee.email) not in scores),
        Disqualify(lambda match: len(match.mentor.mentees) >= capacity.get(match.mentor.email, 0)),
        Disqualify(lambda match: len(match.mentee.mentors) >= 1),
        OurScore(scores),
    ]
    rounds = max(1, max(capacity.values(), default=1))
    mentors, mentees = conduct_matching_from_file(data, [list(round_rules) for _ in range(rounds)])
    create_mailing_list(mentors, Path(out_dir))


if __name__ == "__main__":
    main(*sys.argv[1:3])
