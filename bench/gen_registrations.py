#!/usr/bin/env python3
"""Writes an invented registrations file for `eenplan import registrations`.

    python3 bench/gen_registrations.py ROWS [--out FILE] [--seed N] [--codelists DIR]

Deterministic for a seed and a day ("today" is the day it runs). Python standard
library only. The rows are registrations of invented families in the seven
municipalities of Midden-Limburg (weighted by population) since 2015: 60 % of the
families carry a family_ref and have one to three youths with one or two registrations
each; the rest are single rows. 90 % of the youths have a birth date; the first youths
that get a BSN take the test BSNs (999900006 to 999999990, passing the 11-check; about
9,000 of them, less the demo region's), later ones have none. Four in five
registrations are closed. Referral channels and problem areas follow the 2018 Leudal
shares of the code lists. Rows are shuffled within windows of 10,000, so a family's
rows may land in different batches of the import.
"""

import argparse
import csv
import datetime as dt
import os
import random
import sys

MUNICIPALITIES = [  # CBS code, inhabitants (rounded)
    ("1640", 36000), ("0946", 17000), ("0988", 50000), ("0957", 58000),
    ("1711", 31000), ("1641", 24000), ("1669", 20000),
]
COLUMNS = ["external_id", "municipality_code", "registered_on", "closed_on",
           "referral_channel", "problem_area", "youth_birth_date", "youth_bsn", "family_ref"]


# The demo region's youths have these; a row with one would be that youth.
DEMO_BSNS = {"999901011", "999901023", "999901035"}


def test_bsns():
    """The BSNs of the test range that pass the 11-check, less the demo's."""
    for n in range(999_900_006, 999_999_991):
        digits = [int(c) for c in f"{n:09d}"]
        total = sum((9 - i) * d for i, d in enumerate(digits[:8])) - digits[8]
        if total % 11 == 0 and f"{n:09d}" not in DEMO_BSNS:
            yield f"{n:09d}"


def weighted_codes(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    share = next(k for k in rows[0] if k.startswith("share"))
    return [r["code"] for r in rows], [float(r[share] or 0.5) for r in rows]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("rows", type=int)
    p.add_argument("--out", help="file to write (default: standard output)")
    p.add_argument("--seed", type=int, default=20261127)
    p.add_argument("--codelists", default=os.path.join(here, "..", "data", "codelists"))
    a = p.parse_args()
    rnd = random.Random(a.seed)
    channels, channel_w = weighted_codes(os.path.join(a.codelists, "referral_channels.csv"))
    areas, area_w = weighted_codes(os.path.join(a.codelists, "problem_areas.csv"))
    codes = [m for m, _ in MUNICIPALITIES]
    code_w = [w for _, w in MUNICIPALITIES]
    today = dt.date.today()
    start = dt.date(2015, 1, 1)
    span = (today - start).days
    bsns = test_bsns()

    out = open(a.out, "w", newline="", encoding="utf-8") if a.out else sys.stdout
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    rows, window, family = 0, [], 0
    while rows < a.rows:
        family += 1
        municipality = rnd.choices(codes, code_w)[0]
        grouped = rnd.random() < 0.6
        ref = f"FAM{family:07d}" if grouped else ""
        for _ in range(rnd.randint(1, 3) if grouped else 1):
            first = start + dt.timedelta(days=rnd.randrange(span))
            birth = ""
            if rnd.random() < 0.9:
                birth = (first - dt.timedelta(days=rnd.randrange(18 * 365))).isoformat()
            bsn = next(bsns, "") if birth and rnd.random() < 0.5 else ""
            on = first
            for _ in range(rnd.randint(1, 2) if grouped else 1):
                if rows >= a.rows or on >= today:
                    break
                closed = ""
                if rnd.random() < 0.8:
                    end = on + dt.timedelta(days=rnd.randint(14, 400))
                    closed = end.isoformat() if end < today else ""
                rows += 1
                window.append([
                    f"H{rows:08d}", municipality, on.isoformat(), closed,
                    rnd.choices(channels, channel_w)[0] if rnd.random() < 0.95 else "",
                    rnd.choices(areas, area_w)[0], birth, bsn, ref,
                ])
                on = on + dt.timedelta(days=rnd.randint(30, 900))
            if rows >= a.rows:
                break
        if len(window) >= 10_000:
            rnd.shuffle(window)
            w.writerows(window)
            window = []
    rnd.shuffle(window)
    w.writerows(window)
    if a.out:
        out.close()


if __name__ == "__main__":
    main()
