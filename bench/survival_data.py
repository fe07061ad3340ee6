"""A synthetic knee registry for the survival benchmark: one row per knee with days from the first
injection to knee replacement (or to the last follow-up), the protocol, age, Kellgren-Lawrence grade and
BMI. About 15 % of knees reach replacement. Deterministic for a given --seed. SYNTHETIC DATA, not patients.

  /usr/bin/python3 bench/survival_data.py OUT.csv --rows 1000000 --seed 1
"""
import argparse

import numpy as np
import pandas as pd


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    n = args.rows
    protocol = rng.choice(np.array(["PRP", "BMAC", "HA"]), size=n, p=[0.45, 0.35, 0.20])
    age = np.clip(np.round(rng.normal(58, 10, n)), 25, 90).astype(int)
    kl = rng.choice([1, 2, 3, 4], size=n, p=[0.1, 0.35, 0.35, 0.2])
    bmi = np.round(np.clip(rng.normal(28.5, 4.5, n), 17, 50), 1)
    effect = np.select([protocol == "HA", protocol == "BMAC"], [0.30, -0.10], 0.0)
    linear = 0.025 * (age - 58) + 0.55 * (kl - 2) + 0.035 * (bmi - 28.5) + effect
    # Baseline hazard per day chosen so that about 15 % of knees are replaced within their follow-up.
    event_day = rng.exponential(1.0 / (5.5e-5 * np.exp(linear)))
    follow_up = rng.uniform(90, 3650, n)
    days = np.maximum(1, np.ceil(np.minimum(event_day, follow_up))).astype(int)
    tka = (event_day <= follow_up).astype(int)
    pd.DataFrame({"knee_id": np.arange(1, n + 1), "protocol": protocol, "age": age, "kl": kl, "bmi": bmi,
                  "days": days, "tka": tka}).to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
