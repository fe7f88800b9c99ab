"""Flag rates of the screening assessment by sex, age band and province, on synthetic data.

The assessment has no input for sex, age, religion or ethnicity; this report checks that the
outcome does not drift with them either. Synthetic travellers come from waspada.demo.synthetic;
their travel facts and answers are drawn from the same distribution whatever their sex, age or
province, so any gap in flag rates would come from the engine.

    .venv/bin/python bench/fairness.py [--n 20000] [--seed 3]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from datetime import date

from waspada.demo.synthetic import generate_people
from waspada.screening.assess import AssessmentInput, TravelFacts, assess
from waspada.screening.catalogue import questionnaire

DESTINATIONS = ["THA", "MYS", "SGP", "SAU", "JPN", "KOR", "VNM", "PHL", "AUS", "HKG", "KHM"]


def random_case(rng: random.Random) -> AssessmentInput:
    answers = {}
    for question in questionnaire().questions:
        if rng.random() < 0.6:
            options = list(question.options)
            risky = list(question.risk_by_answer)
            # most travellers answer benignly; a minority show warning signs
            pick = rng.choice(risky) if risky and rng.random() < 0.04 else rng.choice(
                [o for o in options if o not in risky] or options)
            answers[question.code] = pick
    transit = tuple(rng.sample(["MYS", "THA", "SGP"], k=rng.randint(0, 1)))
    facts = TravelFacts(destination_country=rng.choice(DESTINATIONS), transit_countries=transit,
                        ticket=rng.choice(["return", "return", "return", "one_way"]),
                        visa_type=rng.choice(["visa_free", "visa_free", "work", "student"]))
    return AssessmentInput("departure", facts, answers)


def band(age: int) -> str:
    return "17-24" if age < 25 else "25-34" if age < 35 else "35-49" if age < 50 else "50+"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    people = generate_people(args.n, seed=args.seed)
    groups: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    started = time.perf_counter()
    for person in people:
        result = assess(random_case(rng))
        flagged = int(result.level != "low")
        age = (date(2026, 1, 1) - person.birth_date).days // 365
        for dim, key in (("sex", person.sex), ("age_band", band(age)),
                         ("province", person.nik[:2])):
            groups[dim][key][0] += flagged
            groups[dim][key][1] += 1
    elapsed = time.perf_counter() - started
    print(f"fairness report: {args.n} synthetic travellers, seed {args.seed}, "
          f"{args.n / elapsed:,.0f} assessments/s")
    from scipy.stats import chi2_contingency

    overall = sum(v[0] for v in groups["sex"].values()) / args.n
    print(f"overall flag rate (level medium or high): {overall:.3f}")
    for dim, table in groups.items():
        rates = {k: v[0] / v[1] for k, v in table.items() if v[1] >= 100}
        spread = max(rates.values()) - min(rates.values())
        counts = [[table[k][0], table[k][1] - table[k][0]] for k in rates]
        p_value = chi2_contingency(counts)[1]
        print(f"\n{dim}: groups with n >= 100; max-min spread {spread:.3f}; "
              f"chi-square independence p = {p_value:.3f} (p > 0.05: no evidence of a gap)")
        for key in sorted(rates):
            print(f"  {key:>8}  n={table[key][1]:>6}  flagged={rates[key]:.3f}")


if __name__ == "__main__":
    main()
