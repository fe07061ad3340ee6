#!/usr/bin/python3
"""The peer and the data for bench/score_koos.sh.

  score_koos.py generate FILE --rows N --seed S   a deterministic KOOS CSV: ids K0000001..., answers 0-4
                                                  with about 5 % missing, the 43 columns in a shuffled order
  score_koos.py score FILE                        the KOOS 2012 rule and the KOOS-derived WOMAC sums with
                                                  pandas, vectorised, printed exactly as `kneeregen score
                                                  koos` prints them (CSV with CRLF, 4 decimals, empty for
                                                  missing, whole numbers for the WOMAC sums)

Run with Debian's /usr/bin/python3 and python3-pandas (scripts/install-deps.sh installs it).
"""
import argparse
import sys
import time

import numpy as np
import pandas as pd

ITEMS = {
    "pain": [f"P{i}" for i in range(1, 10)],
    "symptoms": [f"S{i}" for i in range(1, 8)],
    "adl": [f"A{i}" for i in range(1, 18)],
    "sport_rec": [f"SP{i}" for i in range(1, 6)],
    "qol": [f"Q{i}" for i in range(1, 5)],
}
ALL_ITEMS = [item for items in ITEMS.values() for item in items]
# KOOS Scoring 2012: the minimum number of answered items per subscale (DOMAIN.md §1.3).
MIN_ANSWERED_2012 = {"pain": 5, "symptoms": 4, "adl": 9, "sport_rec": 3, "qol": 2}
WOMAC = {
    "womac_pain": [f"P{i}" for i in range(5, 10)],
    "womac_stiffness": ["S6", "S7"],
    "womac_function": [f"A{i}" for i in range(1, 18)],
}


def generate(path, rows, seed):
    """Builds the file as one byte matrix, so writing a million rows takes a second or two, not minutes."""
    rng = np.random.default_rng(seed)
    columns = ["id"] + ALL_ITEMS
    order = rng.permutation(len(columns))
    answers = rng.integers(0, 5, size=(rows, len(ALL_ITEMS)), dtype=np.uint8)
    missing = rng.random((rows, len(ALL_ITEMS))) < 0.05
    digits = np.char.zfill(np.arange(1, rows + 1).astype(str), 7).astype("S7").view(np.uint8).reshape(rows, 7)
    ids = np.hstack([np.full((rows, 1), ord("K"), np.uint8), digits])

    GAP = 255  # a byte that never occurs in the output: marks the cells that stay empty
    cells = []
    for c in order:
        if c == 0:
            cells.append(ids)
        else:
            cell = (answers[:, c - 1] + ord("0")).astype(np.uint8)
            cell[missing[:, c - 1]] = GAP
            cells.append(cell[:, None])
        cells.append(np.full((rows, 1), ord(","), np.uint8))
    matrix = np.hstack(cells)
    matrix[:, -1] = ord("\n")
    flat = matrix.ravel()
    with open(path, "wb") as out:
        out.write((",".join(columns[c] for c in order) + "\n").encode())
        out.write(flat[flat != GAP].tobytes())


def score(path):
    started = time.perf_counter()
    frame = pd.read_csv(path, dtype={"id": str}, keep_default_na=False,
                        na_values={item: [""] for item in ALL_ITEMS}, engine="c")
    answers = frame[ALL_ITEMS]
    # The same checks kneeregen makes, vectorised: answers are whole numbers 0-4, ids unique and non-empty.
    if not ((answers.isna() | answers.isin([0, 1, 2, 3, 4])).all().all()):
        sys.exit("an answer outside 0-4")
    if frame["id"].duplicated().any() or (frame["id"] == "").any():
        sys.exit("an empty or repeated id")
    out = pd.DataFrame({"id": frame["id"]})
    for scale, items in ITEMS.items():
        part = answers[items]
        answered = part.notna().sum(axis=1)
        # The same formula in the same order as kneeregen: 100 - ((sum / answered) / 4) * 100.
        value = 100 - (part.sum(axis=1) / answered) / 4 * 100
        out[scale] = value.where(answered >= MIN_ANSWERED_2012[scale])
    for column, items in WOMAC.items():
        part = answers[items]
        complete = part.notna().sum(axis=1) == len(items)
        out[column] = part.sum(axis=1).where(complete).astype("Int64")
    out.to_csv(sys.stdout, index=False, float_format="%.4f", na_rep="", lineterminator="\r\n")
    print(f"pandas: read, scored and wrote in {time.perf_counter() - started:.2f} s "
          f"(pandas {pd.__version__}, numpy {np.__version__})", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("file")
    g.add_argument("--rows", type=int, default=1_000_000)
    g.add_argument("--seed", type=int, default=1)
    s = sub.add_parser("score")
    s.add_argument("file")
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.file, args.rows, args.seed)
    else:
        score(args.file)


if __name__ == "__main__":
    main()
