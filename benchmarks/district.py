"""A district programme for the scale benchmark: one form, dense enough to hurt.

The sample school (`matcher.sample`) splits people over four forms, so only a few
percent of all mentor–mentee pairs are candidates. A district «Учитель – ученик»
programme with thousands of teachers is the case that loads the engine: here every
mentee needs help in one sphere and makes it a hard wish (`want_offers` + `hard_wishes =
offers`), every mentor offers 2 of S spheres, so a pair passes with probability 2/S;
S = round(2 / density) gives the wanted density (S = 10 -> 20 %). Everything else is
consented, trained and scored on interests, needs, mirror wishes, psych scales, rankings
and free time, as in a real questionnaire. Deterministic by seed.

    python benchmarks/district.py --mentees 5000 --mentors 2500 --out benchmarks/_data/district
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from matcher.io.writers import participant_table, write_csv
from matcher.models import Participant

SPHERES = ["study", "olympiad", "project", "career", "exams", "ict", "creativity", "sport", "communication",
           "adaptation", "leadership", "discipline", "methodology", "burnout"]
INTERESTS = ["шахматы", "робототехника", "футбол", "волейбол", "рисование", "музыка", "театр", "чтение",
             "программирование", "история края", "туризм", "фотография", "волонтёрство", "танцы",
             "биология", "астрономия", "кулинария", "настольные игры", "плавание", "дебаты"]
SLOTS = [f"{d} {p}" for d in ("пн", "вт", "ср", "чт", "пт", "сб") for p in ("день", "вечер")]
SCALES = ("psych_extraversion", "psych_leadership", "psych_anxiety")
CONFIG_TOML = """\
# District programme: one form, teachers with students.
[program]
name = "Районная программа наставничества «Учитель – ученик»"
reference_date = "2026-09-01"
"""


def _pick(rng: np.random.Generator, pool: list[str], n: int, kmin: int, kmax: int) -> list[list[str]]:
    ks = rng.integers(kmin, kmax + 1, n)
    return [[pool[k] for k in rng.choice(len(pool), size=int(k), replace=False)] for k in ks]


def generate_district(n_mentees: int = 5000, n_mentors: int = 2500, density: float = 0.2, seed: int = 1
                      ) -> list[Participant]:
    """Mentors (teachers) first, then mentees (students); ~density of all pairs feasible."""
    if not 2 / len(SPHERES) <= density <= 1:
        raise ValueError(f"density must be between {2 / len(SPHERES):.3f} and 1")
    rng = np.random.default_rng(seed)
    spheres = SPHERES[:max(2, round(2 / density))]
    people: list[Participant] = []

    age = rng.integers(24, 62, n_mentors)
    exp = np.clip(age - 23 - rng.integers(0, 6, n_mentors), 1, None)
    female = rng.random(n_mentors) < 0.8
    capacity = rng.choice([1, 2, 3], size=n_mentors, p=[0.2, 0.4, 0.4])  # total ~1.1 x mentees at 2:1
    offers = [[spheres[k] for k in rng.choice(len(spheres), 2, replace=False)] for _ in range(n_mentors)]
    interests = _pick(rng, INTERESTS, n_mentors, 1, 4)
    slots = _pick(rng, SLOTS, n_mentors, 2, 5)
    psych = rng.integers(0, 11, (n_mentors, len(SCALES)))
    wants_gender = rng.random(n_mentors) < 0.05
    width = len(str(n_mentors))
    for j in range(n_mentors):
        people.append(Participant(
            id=f"T{j + 1:0{width}d}", name=f"Наставник {j + 1}", role="mentor",
            category="young_teacher" if exp[j] <= 3 else "teacher", forms=["teacher_student"],
            age=float(age[j]), gender="f" if female[j] else "m", experience_years=float(exp[j]),
            offers=offers[j], interests=interests[j], availability=slots[j], capacity=int(capacity[j]),
            consent=True, data_consent=True, trained=True,
            psych=dict(zip(SCALES, map(float, psych[j]))),
            want_gender=("f" if rng.random() < 0.5 else "m") if wants_gender[j] else None,
        ))

    grade = rng.integers(5, 12, n_mentees)
    s_age = grade + 6 + (rng.random(n_mentees) < 0.15)
    s_female = rng.random(n_mentees) < 0.5
    want = rng.integers(0, len(spheres), n_mentees)
    extra_needs = _pick(rng, spheres, n_mentees, 0, 2)
    s_interests = _pick(rng, INTERESTS, n_mentees, 1, 4)
    s_slots = _pick(rng, SLOTS, n_mentees, 2, 5)
    s_psych = rng.integers(0, 11, (n_mentees, len(SCALES)))
    priority = (rng.random(n_mentees) < 0.03).astype(int)
    wants_gender = rng.random(n_mentees) < 0.12
    ranks = rng.random(n_mentees) < 0.3
    mentor_ids = [p.id for p in people]
    width = len(str(n_mentees))
    for i in range(n_mentees):
        need = spheres[want[i]]
        # Speed meetings: a few teachers who offer what the student needs.
        fit = [mentor_ids[j] for j in rng.choice(n_mentors, min(40, n_mentors), replace=False) if need in offers[j]]
        people.append(Participant(
            id=f"S{i + 1:0{width}d}", name=f"Ученик {i + 1}", role="mentee", category="student",
            forms=["teacher_student"], age=float(s_age[i]), grade=int(grade[i]),
            gender="f" if s_female[i] else "m",
            needs=[need] + [s for s in extra_needs[i] if s != need], want_offers=[need], hard_wishes=["offers"],
            interests=s_interests[i], availability=s_slots[i], priority=int(priority[i]),
            consent=True, data_consent=True, guardian_consent=True,
            psych=dict(zip(SCALES, map(float, s_psych[i]))),
            want_gender=("f" if rng.random() < 0.6 else "m") if wants_gender[i] else None,
            ranking=fit[:int(rng.integers(2, 5))] if ranks[i] else [],
        ))
    return people


def write_district(out_dir: Path, n_mentees: int = 5000, n_mentors: int = 2500, density: float = 0.2,
                   seed: int = 1) -> dict[str, Path]:
    """mentors.csv, mentees.csv (canonical English headers) and district.toml."""
    out_dir = Path(out_dir)
    people = generate_district(n_mentees, n_mentors, density, seed)
    paths = {}
    for role, name in (("mentor", "mentors.csv"), ("mentee", "mentees.csv")):
        headers, rows = participant_table([p for p in people if p.role == role])
        write_csv(out_dir / name, headers, rows)
        paths[role + "s"] = out_dir / name
    (out_dir / "district.toml").write_text(CONFIG_TOML, encoding="utf-8")
    paths["config"] = out_dir / "district.toml"
    return paths


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Write a dense one-form district programme.")
    ap.add_argument("--mentees", type=int, default=5000)
    ap.add_argument("--mentors", type=int, default=2500)
    ap.add_argument("--density", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    paths = write_district(args.out, args.mentees, args.mentors, args.density, args.seed)
    print("wrote: " + ", ".join(str(p) for p in paths.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
