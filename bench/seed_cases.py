#!/usr/bin/env python3
"""Bulk case data for bench/cases.sh and bench/access.sh: ten years of a region on SQLite.

Inserts, into an eenplan SQLite database that already holds the demo region (start the
server once on a fresh data dir, stop it, then run this on <data dir>/eenplan.sqlite3):

  * family workers (role family_worker, CJG organisation) spread over the seven local
    CJG teams in proportion to the municipalities' populations, with team_members rows;
  * families named "Gezin <surname>" (the surname with its prefix, "Gezin van Dijk"),
    each with 1-3 youths and 1-2 parents (persons, no BSN);
  * cases registered 2017-01-01 .. today: one to three per family, one after the other,
    each closed at least 91 days before the family's next registration; the most
    recent ones still open (in_begeleiding with a worker, or aangemeld and waiting);
  * one registration per case with its primary problem area (sometimes a second one)
    and its youths, and the case_events registered / picked_up / closed;
  * a family_plans row per family, and for families with a plan 1-3 plan_versions
    whose JSON content matches eenplan_domain::plan::PlanContent;
  * counters case_<year> moved past the numbers used;
  * with --decisions N (default 40,000): a reviewer per local team and N decided access
    requests on worked cases (results, reviews), their decisions priced as the product
    computes (Effort::cost_cents on the price valid on the start date; about 13 % PGB;
    about 13 % ended early), decision versions, the evaluation schedule (past ones
    mostly held, with scores and time spent; some left open and overdue), today's
    notifications, the case events and the counters decision:<CBS>:<year>. They come
    from a random stream of their own, so the cases do not depend on N.

demo.gezinswerker (CJG Leudal) ends up with --demo-open open cases in total (the demo
case included) plus her share of the closed Leudal cases.

Everything goes in one transaction with foreign keys on; the schema's CHECKs and
foreign keys are enforced by SQLite while inserting. Deterministic for a given --seed
(and run date: "today" is the day the script runs). Python standard library only.
"""

import argparse
import calendar
import datetime as dt
import json
import math
import random
import sqlite3
import sys
import time
import unicodedata
import uuid

# Municipality code -> inhabitants (CBS, rounded): weights for families and workers.
POPULATION = {
    "1640": 36_300,  # Leudal
    "0946": 17_300,  # Nederweert
    "0988": 50_500,  # Weert
    "0957": 59_500,  # Roermond
    "1711": 31_900,  # Echt-Susteren
    "1641": 24_000,  # Maasgouw
    "1669": 20_700,  # Roerdalen
}

COMMON_SURNAMES = """Janssen Peeters Smeets Hendriks Jacobs Willems Geurts Wijnen Hermans Claessens
Coenen Driessen Janssens Vossen Cuppen Gielen Mertens Beckers Moonen Verheijen Houben
Kessels Schreurs Custers Linders Sijben Timmermans Engelen Bongers Maessen Verstappen
Thijssen Heijnen Leenders Lenders Caelen Dirkx Smits Vaes Hanssen Bos Jansen de_Vries
van_den_Berg Bakker Visser Meijer de_Boer Mulder de_Groot Vermeulen van_Dijk Wouters
Verhoeven Hoeven Martens Kuipers Brouwers Gerits Stevens Nijssen Keulen Ramakers Kurvers
Vencken Luijten Hoeijmakers Jeurissen Pustjens Seelen Verbeek Tonnaer Beurskens Nelissen
Crins Bruls Rutten Boonen Heldens Wilms Kempen Goossens Simons Graus Ploumen Schoenmakers
Peters Franssen Bouten Smulders Daemen Wolters Reijnders Mans Rooijakkers Tillie Knoops
El_Idrissi Yilmaz Kaya Demir Bouzid Ait_Taleb Nowak Kowalski Ahmadi Haddad""".split()

# Rarer surnames, made of parts (e.g. "Brandenhoven"): most match a handful of families.
SURNAME_HEADS = """Brand Hout Kerk Linde Molen Peel Berk Beek Broek Camp Dries Eik Haag Heide
Holt Horst Kamp Laar Leeuw Loon Maas Meer Roer Rooy Schaf Steen Swal Venn Wijk Zand""".split()
SURNAME_TAILS = """hoven kens mans donk broek kamp heuvel beek rade laer hof stra sen ink
veld man bosch dijk mortel hout""".split()

BOYS = """Daan Sem Lucas Levi Finn Milan Noah Bram Luuk Thijs Jesse Ruben Stijn Mees Gijs
Lars Tim Teun Sam Jens Max Siem Olivier Jayden Adam Mohamed Yusuf Ibrahim Jan Joep""".split()
GIRLS = """Emma Julia Mila Tess Sophie Zoe Sara Nora Evi Lotte Anna Noor Liv Fenna Lieke
Sanne Roos Isa Femke Yara Jasmijn Maud Fleur Nina Amira Yasmin Hanna Lina Ilse Elin""".split()
ADULT_M = """Mark Tom Peter Rob Bart Jeroen Dennis Erik Frank Stefan Wim Marco Ruud Paul
Hans Rachid Ahmed Mehmet Piotr Koen""".split()
ADULT_F = """Anouk Lisa Linda Sandra Marieke Kim Esther Ingrid Monique Chantal Wendy Petra
Sabine Samira Fatima Ayse Agnieszka Ellen Karin Miriam""".split()

CLOSE_REASONS = [("goals_reached", 55), ("referred_specialised", 20), ("moved", 7),
                 ("family_stopped", 12), ("other", 6)]
HELP_KINDS = [("ambulatory_basic", 65), ("information_advice", 25), ("group_work", 10)]
QUESTIONS = [
    "Er is thuis veel ruzie over schoolwerk en bedtijden; ouders willen weer rust in huis.",
    "De jeugdarts verwijst: zorgen over de ontwikkeling en het gedrag op de peuterspeelzaal.",
    "Ouders gaan uit elkaar en willen de kinderen er zo min mogelijk last van laten hebben.",
    "School maakt zich zorgen over verzuim en somberheid.",
    "Moeder vraagt hulp bij de opvoeding na de geboorte van het derde kind.",
    "Zoon blowt veel en komt zijn afspraken niet na; ouders weten niet meer wat te doen.",
    "Gezin heeft schulden en daardoor veel spanning; de kinderen merken het.",
    "Dochter slaapt slecht en piekert veel sinds de verhuizing.",
]
GOALS = [
    "Rustige ochtenden zonder ruzie voordat de kinderen naar school gaan",
    "Weer elke dag naar school",
    "Afspraken over de omgang die voor iedereen werken",
    "Overzicht over de financien en geen nieuwe schulden",
    "Beter slapen en minder piekeren",
    "Samen plezier hebben in het weekend",
]
ACTIONS = [
    ("family_member", "Samen een weekplanning maken en op de koelkast hangen"),
    ("network_member", "Op dinsdag en donderdag naar school brengen"),
    ("professional", "Gesprek met de mentor op school plannen"),
    ("provider", "Intake bij de jeugd-ggz"),
    ("family_member", "Elke avond om half negen de telefoon weg"),
    ("professional", "Aanmelden bij de schuldhulpverlening"),
]


def name_key(name: str) -> str:
    """Port of eenplan_domain::family::name_key: lower case, accents folded, every run of
    other characters one space, no trailing space."""
    out = []
    for ch in name.lower():
        ch = unicodedata.normalize("NFKD", ch)[0]
        if ch.isalnum():
            out.append(ch)
        elif out and out[-1] != " ":
            out.append(" ")
    return "".join(out).rstrip()


def weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


# ------------------------------------------------------------------ access (--decisions)
# Product code -> (weight, volumes to pick from, durations in months). The unit and
# frequency come from the catalogue (demo.rs: 45A01/45A02 hours a week, 41D01 day parts a
# week, 43V01 day and night per day, 54G01 minutes in total).
PRODUCT_MIX = {
    "45A01": (35, [1, 1, 2, 2, 3], [3, 6, 6, 9, 12]),
    "45A02": (25, [2, 3, 4, 4, 6], [6, 6, 9, 12, 12]),
    "54G01": (22, list(range(600, 3001, 120)), [3, 6, 6, 12]),
    "41D01": (10, [2, 4, 4, 6, 8], [6, 6, 12]),
    "43V01": (8, [1], [3, 6, 12, 12, 24]),
}
PGB_SHARE = 0.14  # of the decisions for products a personal budget can buy
NO_PGB = {"43V01"}  # residential care: in kind only
REFERRERS = [("cjg", 85), ("02", 8), ("03", 4), ("05", 3)]
END_REASONS = [("goals_reached", 35), ("care_stopped", 25), ("moved", 10),
               ("other_care", 20), ("other", 10)]
ACCESS_REASONS = [
    "De lichte hulp van het CJG is niet genoeg: de problemen thuis nemen toe.",
    "Vermoeden van een ontwikkelingsstoornis; diagnostiek en behandeling nodig.",
    "Angst- en stemmingsklachten die het dagelijks functioneren belemmeren.",
    "Ernstige gedragsproblemen op school en thuis; ouders handelingsverlegen.",
    "Thuis wonen is tijdelijk niet veilig genoeg; verblijf met behandeling nodig.",
    "Na de behandeling terugval; opnieuw gespecialiseerde hulp nodig.",
]
RESULTS = [
    "Ouders hanteren de driftbuien zonder escalatie",
    "Gaat weer volledig naar school",
    "Minder angstklachten, weer naar sport",
    "Een vaste dagstructuur thuis",
    "Kan terug naar huis met ambulante hulp",
    "Weet wat de diagnose betekent en hoe ermee om te gaan",
    "Geen nieuwe incidenten met politie",
]
FAMILY_VIEWS = [
    "Ouders zijn tevreden; het gaat thuis rustiger.",
    "Moeder ziet vooruitgang, vader twijfelt nog.",
    "De jongere zelf vindt dat het beter gaat.",
    "Het gezin wil doorgaan met de hulp.",
    "Gezin vindt dat de hulp weinig oplevert.",
]
OUTCOMES = {"interim": [("continue", 72), ("scale_down", 12), ("scale_up", 8), ("end", 8)],
            "end": [("end", 85), ("continue", 15)]}
SCORES = {"interim": [("reached", 25), ("partly", 55), ("not_reached", 20)],
          "end": [("reached", 55), ("partly", 35), ("not_reached", 10)]}
# serde names of eenplan_domain::access::{Unit, Frequency} in decision_versions snapshots.
UNIT_NAMES = {"01": "minute", "04": "hour", "14": "etmaal", "16": "dagdeel",
              "82": "pieces_output", "83": "euros", "84": "pieces_effort"}
FREQUENCY_NAMES = {"1": "per_day", "2": "per_week", "4": "per_month", "6": "total"}
EPOCH = dt.date(1970, 1, 1)


def day_number(d):
    """eenplan_store::access::day_number: days since 1970-01-01."""
    return (d - EPOCH).days


def add_months(d, months):
    """chrono's checked_add_months: the same day, clamped to the end of the month."""
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    return dt.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def evaluation_schedule(start, end, months):
    """eenplan_domain::access::evaluation_schedule."""
    out, k = [], 1
    while (due := add_months(start, months * k)) < end:
        out.append(("interim", due))
        k += 1
    out.append(("end", end))
    return out


def effort_figures(volume, frequency, start, last, price):
    """Effort::total_units_x100 and Effort::cost_cents over start..last (both included),
    rounded half up."""
    days = (last - start).days + 1
    n, d = {"1": (days, 1), "2": (days, 7), "4": (days * 12, 365), "6": (1, 1)}[frequency]
    return (volume * n * 100 + d // 2) // d, (volume * price * n + d // 2) // d


def on_date(periods, day):
    """price_on / variant_on: the value of the latest start on or before the day."""
    found = None
    for start, value in periods:  # sorted by start
        if start <= day:
            found = value
    return found


def access_rows(db, n_decisions, seed, today, cases, pool, team_of, plan_goals, cjg,
                password_hash):
    """Decided access requests with their decisions, versions and evaluations, on the
    worked cases; a random stream of its own, so the case data does not depend on it."""
    rng = random.Random(f"{seed}/access")
    one = lambda sql, *a: db.execute(sql, a).fetchone()
    out = {k: [] for k in ("users", "members", "requests", "results", "reviews", "decisions",
                           "versions", "evaluations", "scores", "time", "notifications",
                           "events", "counters")}
    stats = {"pgb": 0, "ended": 0}

    def new_id():
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    def stamp(day):
        s = rng.randrange(8 * 3600, 18 * 3600)
        return (f"{day.isoformat()}T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}."
                f"{rng.randrange(1_000_000):06d}Z")

    def days(lo, hi):  # a random number of days, both included
        return dt.timedelta(days=rng.randint(lo, hi))

    products = {code: (pid, unit, freq) for pid, code, unit, freq in db.execute(
        "SELECT id, code, unit, frequency FROM products WHERE active = 1")}
    missing = sorted(set(PRODUCT_MIX) - set(products))
    if missing:
        sys.exit(f"products {missing} are missing: load the demo region first")
    prices = {}
    for pid, valid_from, cents in db.execute(
            "SELECT product_id, valid_from, price_cents FROM product_prices ORDER BY valid_from"):
        prices.setdefault(pid, []).append((dt.date.fromisoformat(valid_from), cents))
    contracts = {}
    for prov, pid, vf, vt in db.execute("""SELECT provider_id, product_id, valid_from, valid_to
            FROM provider_contracts ORDER BY provider_id, product_id, valid_from"""):
        contracts.setdefault(pid, []).append(
            (prov, dt.date.fromisoformat(vf), dt.date.fromisoformat(vt) if vt else dt.date.max))
    variants = [(dt.date.fromisoformat(f), v) for f, v in db.execute(
        "SELECT valid_from, variant FROM access_variants ORDER BY valid_from")]
    months = one("SELECT value FROM settings WHERE key = 'evaluation_interval_months'")
    months = int(months[0]) if months and months[0].isdigit() and 1 <= int(months[0]) <= 6 else 6
    first_day = max([dt.date(2018, 1, 1)] + [min(p)[0] for p in prices.values()])
    provider_staff = one("""SELECT u.id, u.organisation_id FROM users u
                            WHERE u.username = 'demo.aanbieder'""")

    # Reviewers (gedragswetenschappers): the demo one in his teams, and one bench.gd.NN in
    # every local team.
    reviewers = {}
    for muni, team in team_of.items():
        reviewers[muni] = [r[0] for r in db.execute(
            """SELECT u.id FROM team_members tm JOIN users u ON u.id = tm.user_id
               WHERE tm.team_id = ? AND u.role = 'reviewer' ORDER BY u.username""", (team,))]
    for n, muni in enumerate(team_of, start=1):
        uid = new_id()
        at = stamp(dt.date(2017, 1, 1) - days(30, 400))
        name = f"{rng.choice(ADULT_F + ADULT_M)} {rng.choice(COMMON_SURNAMES).replace('_', ' ')}"
        out["users"].append((uid, f"bench.gd.{n:02d}", name, "reviewer", cjg, password_hash,
                             "BENCHNOTOTPSECRET", 1, 0, 1, None, 1, at, at))
        out["members"].append((team_of[muni], uid))
        reviewers[muni].append(uid)

    # The cases: worked on (picked up) with room for a request decided while the case was
    # open; a case closed with a referral to specialised care is three times as likely.
    # The decisions are dealt out over them, one to three a case, until there are enough.
    max_delay = 90  # request to decision, at most (see below)
    eligible = []
    for c in cases:
        if not c["pick"]:
            continue
        lo = max(c["pick"] + dt.timedelta(days=7), first_day)
        hi = min(c["closed"] or today, today) - dt.timedelta(days=max_delay)
        if hi >= lo:
            weight = 3.0 if c["reason"] == "referred_specialised" else 1.0
            eligible.append((rng.random() ** (1 / weight), c, lo, hi))
    if not eligible and n_decisions:
        sys.exit("no case has room for an access request")
    eligible.sort(key=lambda e: e[0], reverse=True)
    count = [0] * len(eligible)
    left, i = n_decisions, 0
    while left > 0:
        k = min(left, rng.choices([1, 2, 3], weights=[60, 30, 10])[0])
        count[i % len(eligible)] += k
        left -= k
        i += 1

    mix = list(PRODUCT_MIX)
    mix_weights = [PRODUCT_MIX[p][0] for p in mix]
    decisions = []  # (decided_on, id, muni, row index) for the numbers
    for (_, c, lo, hi), k in zip(eligible, count):
        if not k:
            continue
        muni, author = c["muni"], c["worker"]
        for created in sorted(lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))
                              for _ in range(k)):
            code = rng.choices(mix, weights=mix_weights)[0]
            pid, unit, freq = products[code]
            _, volumes, durations = PRODUCT_MIX[code]
            funding = "pgb" if code not in NO_PGB and rng.random() < PGB_SHARE else "zin"
            variant = on_date(variants, created) or "2020"
            provider_effort = variant == "2018" and funding == "zin"
            # The request's life: submitted, part 2 by the provider after its intake (2018,
            # in kind), sometimes sent back once, approved: at most 7+28+10+10+10+7+14 days.
            submit = created + days(0, 7)
            t = submit
            intake = effort_day = None
            if provider_effort:
                intake = t + days(7, 28)
                effort_day = t = intake + days(1, 10)
            sent_back = None
            if rng.random() < 0.1:
                sent_back = t + days(2, 10)
                submit = t = sent_back + days(2, 10)
                if provider_effort:
                    effort_day = t = t + days(1, 7)
            decided = t + days(2, 14)
            assert decided <= (c["closed"] or today) and decided <= today
            start = decided + days(0, 21)
            end = add_months(start, rng.choice(durations)) - dt.timedelta(days=1)
            youth = rng.choice(c["youths"])
            reviewer = rng.choice(reviewers[muni])
            provider = None
            if funding == "zin":
                provider = rng.choice([p for p, f, t_ in contracts.get(pid, ()) if f <= start <= t_]
                                      or [None])
                if provider is None:
                    sys.exit(f"no provider has a contract for {code} on {start}")
            volume = rng.choice(volumes)
            price = on_date(prices[pid], start)
            units, cost = effort_figures(volume, freq, start, end, price)
            pgb = None
            if funding == "pgb":
                stats["pgb"] += 1
                pgb = min(99_999_999, max(100, round(cost * rng.uniform(0.6, 0.85) / 100) * 100))
            # Ended early: a date between the start and the end (or today).
            ended = reason = None
            latest_end = min(end - dt.timedelta(days=1), today)
            if rng.random() < 0.13 and (latest_end - start).days >= 14:
                ended = start + days(14, (latest_end - start).days)
                reason = weighted(rng, END_REASONS)
                stats["ended"] += 1
            last = ended or end
            if funding == "zin":
                units_last, cost_last = effort_figures(volume, freq, start, last, price)
            else:
                units, units_last = 0, 0
                cost = pgb
                cost_last = pgb * ((last - start).days + 1) // ((end - start).days + 1)

            rid, did = new_id(), new_id()
            created_at, decided_at = stamp(created), stamp(decided)
            ref_type = weighted(rng, REFERRERS)
            ref_code = None if ref_type == "cjg" else f"0{rng.randint(1, 9)}{rng.randrange(10**6):06d}"
            effort_at = stamp(effort_day) if provider_effort else None
            effort_by = (provider_staff[0] if provider_effort and provider_staff
                         and provider_staff[1] == provider else None)
            version = 4 + provider_effort + (3 + provider_effort if sent_back else 0)
            zin = funding == "zin"
            out["requests"].append((
                rid, c["id"], youth[0], muni, variant, "decided", ref_type, ref_code,
                rng.choice(ACCESS_REASONS), pid, funding, provider,
                volume if zin else None, unit if zin else None, freq if zin else None,
                start.isoformat(), end.isoformat(), pgb,
                intake.isoformat() if provider_effort else None, effort_by, effort_at,
                author, stamp(submit), reviewer, decided_at, "", version,
                created_at, decided_at))
            result_ids = []
            goals = plan_goals.get(c["family"], [])
            for pos, text in enumerate(rng.sample(RESULTS, rng.choices([1, 2, 3],
                                                                       weights=[30, 50, 20])[0]),
                                       start=1):
                result_ids.append(new_id())
                out["results"].append((result_ids[-1], rid, pos, text,
                                       rng.choice(goals) if goals and rng.random() < 0.7 else None))
            if sent_back:
                out["reviews"].append((new_id(), rid, reviewer, "sent_back",
                                       "Resultaten concreter maken en de inzet onderbouwen.",
                                       stamp(sent_back)))
            out["reviews"].append((new_id(), rid, reviewer, "approved", "", decided_at))
            out["events"].append([new_id(), c["id"], created_at, created.isoformat(),
                                  "access_requested", "", author])

            # The decision as issued, then the provider's report of the start, the early end
            # (a new version), the report of the end.
            actual_start = actual_end = None
            if zin and start <= today - dt.timedelta(days=7) and rng.random() < 0.8:
                actual_start = min(start + days(0, 10), today)
                if last < today and rng.random() < 0.7:
                    actual_end = max(last, actual_start)
            snap = {"volume": volume if zin else None, "unit": UNIT_NAMES[unit] if zin else None,
                    "frequency": FREQUENCY_NAMES[freq] if zin else None, "pgb_cents": pgb,
                    "start_on": start.isoformat(), "end_on": end.isoformat(), "ended_on": None,
                    "end_reason": None, "unit_price_cents": price if zin else None,
                    "estimated_cents": cost, "provider_id": provider, "product_code": code}
            out["versions"].append((did, 1, json.dumps(snap, sort_keys=True, separators=(",", ":")),
                                    "Besluit op de aanvraag", reviewer, decided_at))
            dversion, updated_at, changed = 1, decided_at, decided
            if actual_start:
                dversion += 1
                changed = max(changed, actual_start)
                updated_at = stamp(changed)
            if ended:
                dversion += 1
                changed = max(changed, min(ended + days(0, 7), today))
                updated_at = stamp(changed)
                snap.update(ended_on=ended.isoformat(), end_reason=reason,
                            estimated_cents=cost_last)
                out["versions"].append((did, dversion,
                                        json.dumps(snap, sort_keys=True, separators=(",", ":")),
                                        "Zorg eerder beëindigd", author, updated_at))
                out["events"].append([new_id(), c["id"], updated_at, changed.isoformat(),
                                      "decision_ended", did, author])
            if actual_end:
                dversion += 1
                changed = max(changed, actual_end)
                updated_at = stamp(changed)
            decisions.append((decided, did, muni))
            out["decisions"].append([
                did, None, rid, c["id"], youth[0], muni, pid, funding, provider,
                volume if zin else None, unit if zin else None, freq if zin else None, pgb,
                start.isoformat(), end.isoformat(), ended and ended.isoformat(), reason,
                day_number(start), day_number(last), price if zin else None, units_last,
                cost_last, actual_start and actual_start.isoformat(),
                actual_end and actual_end.isoformat(), reviewer, decided.isoformat(), dversion,
                decided_at, updated_at])
            out["events"].append([new_id(), c["id"], decided_at, decided.isoformat(), "decision",
                                  did, reviewer])

            # Evaluations: every `months` months from the start and at the (early) end. Past
            # ones mostly held; some left open, fewer the older they are.
            for kind, due in evaluation_schedule(start, last, months):
                eid = new_id()
                age = (today - due).days
                p_open = (1.0 if age <= 0 else 0.45 if age < 14 else 0.2 if age < 60
                          else 0.03 if age < 365 else 0.003)
                if rng.random() < p_open:
                    out["evaluations"].append((eid, did, c["team"], kind, due.isoformat(), None,
                                               None, None, None, 1))
                    if age >= -14:  # due within 14 days or overdue: the daily job's list
                        out["notifications"].append(
                            (author, eid, "overdue" if age > 0 else "due_soon", due.isoformat(),
                             today.isoformat()))
                    continue
                done = min(max(due + days(-10, 30), start), today)
                by = author if rng.random() < 0.7 else rng.choice(pool[muni])
                out["evaluations"].append((eid, did, c["team"], kind, due.isoformat(), done.isoformat(),
                                           rng.choice(FAMILY_VIEWS), weighted(rng, OUTCOMES[kind]),
                                           by, 2))
                for r in result_ids:
                    out["scores"].append((eid, r, weighted(rng, SCORES[kind])))
                if rng.random() < 0.7:
                    out["time"].append((new_id(), did, by, done.isoformat(),
                                        rng.choice([30, 45, 60, 60, 90, 120]), "Evaluatie",
                                        stamp(done)))

    # Numbers <CBS>-<year>-<NNNNN> per municipality and year of the decision, in order.
    seq, number = {}, {}
    for decided, did, muni in sorted(decisions):
        name = f"decision:{muni}:{decided.year}"
        seq[name] = seq.get(name, 0) + 1
        number[did] = f"{muni}-{decided.year}-{seq[name]:05d}"
    for d in out["decisions"]:
        d[1] = number[d[0]]
    for e in out["events"]:
        if e[4] in ("decision", "decision_ended"):
            e[5] = number[e[5]]  # the decision's id until now
    out["counters"] = sorted(seq.items())
    return out, stats


def insert_access(db, a):
    """Inserts the rows of access_rows (inside the caller's transaction)."""
    db.executemany("""INSERT INTO users (id, username, display_name, role, organisation_id,
        password_hash, totp_secret, totp_confirmed, totp_last_step, active, last_login_at,
        version, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", a["users"])
    db.executemany("INSERT INTO team_members (team_id, user_id) VALUES (?, ?)", a["members"])
    db.executemany("""INSERT INTO access_requests (id, case_id, youth_id, municipality_code,
        variant, status, referrer_type, referrer_code, reason, product_id, funding, provider_id,
        volume, unit, frequency, start_on, end_on, pgb_cents, intake_on, effort_by, effort_at,
        author_id, submitted_at, reviewer_id, reviewed_at, review_comment, version, created_at,
        updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                   a["requests"])
    db.executemany("""INSERT INTO access_request_results (id, request_id, position, text,
        goal_id) VALUES (?,?,?,?,?)""", a["results"])
    db.executemany("""INSERT INTO access_reviews (id, request_id, reviewer_id, outcome, comment,
        at) VALUES (?,?,?,?,?,?)""", a["reviews"])
    db.executemany("""INSERT INTO decisions (id, number, request_id, case_id, youth_id,
        municipality_code, product_id, funding, provider_id, volume, unit, frequency, pgb_cents,
        start_on, end_on, ended_on, end_reason, start_day, last_day, unit_price_cents,
        units_x100, estimated_cents, actual_start_on, actual_end_on, decided_by, decided_on,
        version, created_at, updated_at)
        VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", a["decisions"])
    db.executemany("""INSERT INTO decision_versions (decision_id, version, snapshot, reason,
        changed_by, changed_at) VALUES (?,?,?,?,?,?)""", a["versions"])
    db.executemany("""INSERT INTO evaluations (id, decision_id, team_id, kind, due_on, done_on,
        family_view, outcome, done_by, version) VALUES (?,?,?,?,?,?,?,?,?,?)""", a["evaluations"])
    db.executemany("""INSERT INTO evaluation_results (evaluation_id, result_id, score)
        VALUES (?,?,?)""", a["scores"])
    db.executemany("""INSERT INTO monitoring_time (id, decision_id, user_id, on_date, minutes,
        note, created_at) VALUES (?,?,?,?,?,?,?)""", a["time"])
    db.executemany("""INSERT INTO notifications (user_id, evaluation_id, state, due_on,
        updated_on) VALUES (?,?,?,?,?)""", a["notifications"])
    db.executemany("""INSERT INTO case_events (id, case_id, at, on_date, kind, detail,
        user_id) VALUES (?,?,?,?,?,?,?)""", a["events"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("db", help="path of eenplan.sqlite3 (the server must be stopped)")
    ap.add_argument("--families", type=int, default=30_000)
    ap.add_argument("--cases", type=int, default=60_000)
    ap.add_argument("--workers", type=int, default=70)
    ap.add_argument("--demo-open", type=int, default=40,
                    help="open cases of demo.gezinswerker in total (default 40)")
    ap.add_argument("--decisions", type=int, default=40_000,
                    help="decided access requests with their decisions and evaluations "
                         "(default 40000; 0 for none)")
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--codelists", default="data/codelists",
                    help="folder with problem_areas.csv and referral_channels.csv")
    args = ap.parse_args()
    if not (args.families <= args.cases <= 3 * args.families):
        sys.exit("--cases must lie between --families and 3 x --families")

    started = time.monotonic()
    rng = random.Random(args.seed)
    today = dt.date.today()
    start = dt.date(2017, 1, 1)
    span = (today - start).days

    def new_id():
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    def stamp(day, seconds=None):
        s = rng.randrange(8 * 3600, 18 * 3600) if seconds is None else seconds
        return (f"{day.isoformat()}T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}."
                f"{rng.randrange(1_000_000):06d}Z")

    def codes(path):
        import csv
        with open(f"{args.codelists}/{path}", newline="", encoding="utf-8") as f:
            return [(r["code"], float(r[list(r)[-1]] or 0.5)) for r in csv.DictReader(f)]

    problem_areas = codes("problem_areas.csv")
    channels = codes("referral_channels.csv")

    db = sqlite3.connect(args.db, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    db.execute("PRAGMA cache_size = -262144")  # 256 MB: random-UUID keys touch every index page
    one = lambda sql, *a: db.execute(sql, a).fetchone()

    if one("SELECT COUNT(*) FROM users WHERE username LIKE 'bench.gw.%'")[0]:
        sys.exit("this database already holds bench data")
    cjg = one("SELECT id FROM organisations WHERE org_type = 'cjg' ORDER BY name LIMIT 1")
    if cjg is None:
        sys.exit("no CJG organisation: load the demo region first (start the server once)")
    cjg = cjg[0]
    iris = one("SELECT id FROM users WHERE username = 'demo.gezinswerker'")[0]
    team_of = {}  # municipality -> local team id
    for code in POPULATION:
        row = one("""SELECT t.id FROM teams t JOIN team_municipalities tm ON tm.team_id = t.id
                     WHERE t.team_type = 'local_team' AND tm.municipality_code = ?
                     ORDER BY t.name LIMIT 1""", code)
        if row is None:
            sys.exit(f"no local team for municipality {code}")
        team_of[code] = row[0]
    known_pas = {r[0] for r in db.execute(
        "SELECT code FROM code_list_items WHERE list = 'problem_areas'")}
    if known_pas:
        problem_areas = [p for p in problem_areas if p[0] in known_pas]
    existing_open_iris = one("""SELECT COUNT(*) FROM cases
                                WHERE worker_id = ? AND status <> 'afgesloten'""", iris)[0]
    counters = dict(db.execute("SELECT name, value FROM counters"))
    password_hash = "!bench-account-no-login"

    # ------------------------------------------------------------------ workers
    total_pop = sum(POPULATION.values())
    quota = {c: args.workers * p / total_pop for c, p in POPULATION.items()}
    per_team = {c: max(1, int(q)) for c, q in quota.items()}
    for c in sorted(quota, key=lambda c: quota[c] - int(quota[c]), reverse=True):
        if sum(per_team.values()) >= args.workers:
            break
        per_team[c] += 1
    # Team members already there (demo workers) work cases as well.
    pool = {c: [r[0] for r in db.execute(
        """SELECT u.id FROM team_members tm JOIN users u ON u.id = tm.user_id
           WHERE tm.team_id = ? AND u.role = 'family_worker' ORDER BY u.username""",
        (team_of[c],))] for c in POPULATION}
    users, members = [], []
    n = 0
    for c in POPULATION:
        for _ in range(per_team[c]):
            n += 1
            uid = new_id()
            first = rng.choice(ADULT_F + ADULT_M)
            last = rng.choice(COMMON_SURNAMES).replace("_", " ")
            at = stamp(start - dt.timedelta(days=rng.randrange(30, 400)))
            users.append((uid, f"bench.gw.{n:03d}", f"{first} {last}", "family_worker", cjg,
                          password_hash, "BENCHNOTOTPSECRET", 1, 0, 1, None, 1, at, at))
            members.append((team_of[c], uid))
            pool[c].append(uid)
    open_pool = {c: [u for u in pool[c] if u != iris] for c in pool}

    # ------------------------------------------------------------------ families
    munis = list(POPULATION)
    weights = [POPULATION[c] for c in munis]
    ks = [2] * args.families  # cases per family: 1, 2 or 3, mean cases / families
    extra = args.cases - 2 * args.families
    idx = list(range(args.families))
    rng.shuffle(idx)
    # A third with one case, a third with three (for the default mean of 2), adjusted.
    third = min(args.families // 3, (args.families - abs(extra)) // 2)
    for i in idx[:third]:
        ks[i] = 1
    for i in idx[third:2 * third]:
        ks[i] = 3
    for i in idx[2 * third:2 * third + abs(extra)]:
        ks[i] += 1 if extra > 0 else -1
    assert sum(ks) == args.cases

    # 30 x 6 x 20 = 3,600 rare surnames: about three or four families each.
    heads = [h + m + t for h in SURNAME_HEADS for m in ("", "e", "en", "er", "s", "el")
             for t in SURNAME_TAILS]
    zipf = [1 / (r + 1) ** 0.8 for r in range(len(COMMON_SURNAMES))]

    families, persons, plans, versions = [], [], [], []
    plan_goals = {}  # family -> goal ids of its plan (access request results refer to them)
    cases = []  # dicts, numbered later
    for f in range(args.families):
        fid = new_id()
        muni = rng.choices(munis, weights=weights)[0]
        if rng.random() < 0.6:
            surname = rng.choices(COMMON_SURNAMES, weights=zipf)[0].replace("_", " ")
        else:
            surname = rng.choice(heads)
        # Registration dates, sorted, far enough apart for one case after another.
        k = ks[f]
        while True:
            regs = sorted(start + dt.timedelta(days=rng.randrange(span + 1)) for _ in range(k))
            if all((b - a).days >= 200 for a, b in zip(regs, regs[1:])):
                break
        first_reg = regs[0]
        created = stamp(first_reg)
        families.append((fid, f"Gezin {surname}", 1, created, created))  # with its prefix

        # Youths: aged 0-15 at the first registration.
        youths = []
        for _ in range(rng.choices([1, 2, 3], weights=[50, 35, 15])[0]):
            born = first_reg - dt.timedelta(days=rng.randrange(120, 16 * 365))
            name = f"{rng.choice(BOYS + GIRLS)} {surname}"
            pid = new_id()
            youths.append((pid, born, name))
            persons.append((pid, fid, "youth", name, name_key(name), born.isoformat(), None,
                            muni, None, None, 1, created, created))
        parent_names = []
        for p in range(rng.choices([1, 2], weights=[35, 65])[0]):
            ps = surname if p == 0 or rng.random() < 0.5 else rng.choice(COMMON_SURNAMES + heads)
            name = f"{rng.choice(ADULT_F if p == 0 else ADULT_M)} {ps.replace('_', ' ')}"
            parent_names.append(name)
            phone = f"06-{rng.randrange(10_000_000, 100_000_000)}"
            persons.append((new_id(), fid, "parent", name, name_key(name), None, None,
                            muni if rng.random() < 0.5 else None,
                            1 if rng.random() < 0.9 else 0, phone, 1, created, created))

        # Cases, one after the other.
        fam_cases = []
        for j, reg in enumerate(regs):
            nxt = regs[j + 1] if j + 1 < len(regs) else None
            latest_close = (nxt - dt.timedelta(days=91)) if nxt else None
            c = {"id": new_id(), "family": fid, "muni": muni, "team": team_of[muni],
                 "reg": reg, "pick": None, "closed": None, "reason": None, "worker": None,
                 "help": None, "drang": 1 if rng.random() < 0.03 else 0}
            never_picked = rng.random() < 0.05
            pick = reg + dt.timedelta(days=min(60, int(rng.expovariate(1 / 9)) + 1))
            dur = max(21, min(900, int(rng.lognormvariate(math.log(150), 0.6))))
            close = pick + dt.timedelta(days=dur)
            if never_picked:
                close = reg + dt.timedelta(days=rng.randrange(10, 60))
            if latest_close and close > latest_close:
                close = latest_close
                if close <= pick:
                    never_picked = True
            if close < today:
                c["status"] = "afgesloten"
                c["closed"] = close
                if never_picked:
                    c["reason"] = weighted(rng, [("family_stopped", 60), ("other", 25),
                                                 ("moved", 15)])
                else:
                    c["pick"] = pick
                    c["reason"] = weighted(rng, CLOSE_REASONS)
            elif pick <= today and not never_picked:
                c["status"] = "in_begeleiding"
                c["pick"] = pick
            else:
                c["status"] = "aangemeld"
            if c["pick"]:
                c["worker"] = rng.choice(pool[muni] if c["status"] == "afgesloten"
                                         else open_pool[muni])
                c["help"] = weighted(rng, HELP_KINDS)
            c["youths"] = [y for y in youths
                          if y[1] < reg and (reg - y[1]).days < 18 * 365] or youths[:1]
            c["created_by"] = c["worker"] or rng.choice(open_pool[muni])
            fam_cases.append(c)
        cases.extend(fam_cases)
        last = fam_cases[-1]
        last["parents"] = parent_names

        # The family plan.
        worked = [c for c in fam_cases if c["pick"]]
        has_plan = bool(worked) and rng.random() < (0.8 if last["status"] == "in_begeleiding"
                                                     else 0.6)
        plan_created = created
        if not has_plan:
            plans.append((fid, "family", None, 0, None, 0, 1, plan_created, plan_created))
            continue
        c = worked[-1]
        nv = rng.choices([1, 2, 3], weights=[55, 30, 15])[0]
        is_open = c["status"] == "in_begeleiding"
        agreed = rng.random() < (0.75 if is_open else 0.9)
        end = c["closed"] or today
        day = c["pick"] + dt.timedelta(days=rng.randrange(3, 21))
        goals = rng.sample(range(len(GOALS)), rng.choice([1, 2]))
        plan_goals[fid] = [f"g{gi + 1}" for gi in range(len(goals))]
        next_due = None
        for number in range(1, nv + 1):
            day = min(day, end)
            content = {"goals": [], "actions": []}
            for gi, g in enumerate(goals):
                content["goals"].append({
                    "id": f"g{gi + 1}", "text": GOALS[g], "about": "",
                    "pace": "Stap voor stap, eerst twee dagen per week",
                    "sub_goals": ["Samen bespreken wat goed ging"] if gi == 0 else []})
            for ai in range(rng.randrange(1, 4) + number - 1):
                kind, desc = ACTIONS[(ai + goals[0]) % len(ACTIONS)]
                owner = {"family_member": parent_names[0], "network_member": "Oma",
                         "professional": "Gezinswerker", "provider": "Koraal"}[kind]
                final = number == nv
                if is_open and final:
                    due = today + dt.timedelta(days=rng.randrange(-30, 91))
                    done = ai == 0 and rng.random() < 0.3
                else:
                    due = day + dt.timedelta(days=rng.randrange(14, 90))
                    done = not final or not is_open
                content["actions"].append({
                    "id": f"a{ai + 1}", "goal_id": f"g{ai % len(goals) + 1}",
                    "description": desc, "owner_kind": kind, "owner": owner,
                    "due": due.isoformat(), "done": done})
            if number == nv:
                pending = [a["due"] for a in content["actions"] if not a["done"]]
                next_due = min(pending) if pending else None
            is_agreed = agreed if number == nv else True
            versions.append((fid, number, json.dumps(content, ensure_ascii=False),
                             c["worker"], stamp(day),
                             day.isoformat() if is_agreed else None,
                             parent_names[0] if is_agreed else None,
                             c["worker"] if is_agreed else None))
            day += dt.timedelta(days=rng.randrange(30, 120))
        plans.append((fid, "family", None, nv, next_due, 1 if agreed else 0, 1 + nv,
                      plan_created, stamp(min(day, end))))

    # demo.gezinswerker: exactly --demo-open open cases (the demo's included).
    want = max(0, args.demo_open - existing_open_iris)
    leudal_open = [c for c in cases if c["muni"] == "1640" and c["status"] == "in_begeleiding"]
    if len(leudal_open) < want:
        sys.exit(f"only {len(leudal_open)} open Leudal cases for {want} demo cases")
    for c in rng.sample(leudal_open, want):
        c["worker"] = iris
    # The plan author of a family whose case moved to the demo worker stays as it was.

    # ------------------------------------------------------------------ numbers
    cases.sort(key=lambda c: (c["reg"], c["id"]))
    seq = {}
    for c in cases:
        y = c["reg"].year
        name = f"case_{y}"
        seq[name] = seq.get(name, counters.get(name, 0)) + 1
        c["number"] = f"{y}-{seq[name]:06d}"

    case_rows, reg_rows, rpa_rows, ry_rows, event_rows = [], [], [], [], []
    for c in cases:
        created = stamp(c["reg"])
        upd_day = c["closed"] or c["pick"] or c["reg"]
        version = 1 + (c["pick"] is not None) + (c["closed"] is not None)
        case_rows.append((c["id"], c["number"], c["family"], c["muni"], c["team"], c["worker"],
                          c["status"], c["reg"].isoformat(),
                          c["pick"].isoformat() if c["pick"] else None,
                          c["closed"].isoformat() if c["closed"] else None, c["reason"],
                          c["help"], c["drang"], version, created, stamp(upd_day)))
        rid = new_id()
        reg_rows.append((rid, c["id"], c["muni"], c["reg"].isoformat(),
                         weighted(rng, channels), rng.choice(QUESTIONS), c["created_by"],
                         created))
        primary = weighted(rng, problem_areas)
        rpa_rows.append((rid, primary, 1))
        if rng.random() < 0.3:
            second = weighted(rng, problem_areas)
            if second != primary:
                rpa_rows.append((rid, second, 0))
        for y in (c["youths"] if rng.random() < 0.4 else c["youths"][:1]):
            ry_rows.append((rid, y[0]))
        event_rows.append((new_id(), c["id"], created, c["reg"].isoformat(), "registered", "",
                           c["created_by"]))
        if c["pick"]:
            event_rows.append((new_id(), c["id"], stamp(c["pick"]), c["pick"].isoformat(),
                               "picked_up", "", c["worker"]))
        if c["closed"]:
            event_rows.append((new_id(), c["id"], stamp(c["closed"]), c["closed"].isoformat(),
                               "closed", c["reason"], c["worker"] or c["created_by"]))

    access, access_stats = access_rows(db, args.decisions, args.seed, today, cases, pool,
                                       team_of, plan_goals, cjg, password_hash) \
        if args.decisions > 0 else ({}, {})

    # ------------------------------------------------------------------ insert
    db.execute("BEGIN IMMEDIATE")
    try:
        db.executemany("""INSERT INTO users (id, username, display_name, role, organisation_id,
            password_hash, totp_secret, totp_confirmed, totp_last_step, active, last_login_at,
            version, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", users)
        db.executemany("INSERT INTO team_members (team_id, user_id) VALUES (?, ?)", members)
        db.executemany("""INSERT INTO families (id, name, version, created_at, updated_at)
            VALUES (?,?,?,?,?)""", families)
        db.executemany("""INSERT INTO persons (id, family_id, kind, name, name_key, birth_date,
            bsn, municipality_code, has_authority, phone, version, created_at, updated_at)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""", persons)
        # The search index of name words (crates/store/src/cases.rs, index_name).
        db.executemany(
            "INSERT INTO person_name_words (word, person_id) VALUES (?, ?)",
            [(w, p[0]) for p in persons for w in sorted(set(p[4].split(" "))) if w],
        )
        db.executemany("""INSERT INTO cases (id, number, family_id, municipality_code, team_id,
            worker_id, status, registered_on, picked_up_on, closed_on, close_reason, help_kind,
            drang, version, created_at, updated_at)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", case_rows)
        db.executemany("""INSERT INTO registrations (id, case_id, municipality_code,
            registered_on, referral_channel, question, created_by, created_at)
            VALUES (?,?,?,?,?,?,?,?)""", reg_rows)
        db.executemany("""INSERT INTO registration_problem_areas (registration_id,
            problem_area, is_primary) VALUES (?,?,?)""", rpa_rows)
        db.executemany("""INSERT INTO registration_youths (registration_id, person_id)
            VALUES (?,?)""", ry_rows)
        db.executemany("""INSERT INTO case_events (id, case_id, at, on_date, kind, detail,
            user_id) VALUES (?,?,?,?,?,?,?)""", event_rows)
        db.executemany("""INSERT INTO family_plans (family_id, coordinator_kind,
            coordinator_user_id, current_version, next_action_due, agreed, version,
            created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)""", plans)
        db.executemany("""INSERT INTO plan_versions (family_id, number, content, created_by,
            created_at, agreed_on, agreed_by, agreement_recorded_by)
            VALUES (?,?,?,?,?,?,?,?)""", versions)
        db.executemany("""INSERT INTO counters (name, value) VALUES (?, ?)
            ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)""",
                       sorted(seq.items()) + access.get("counters", []))
        if access:
            insert_access(db, access)
        bad = db.execute("PRAGMA foreign_key_check").fetchall()
        if bad:
            raise RuntimeError(f"foreign key violations: {bad[:5]}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise

    print(f"seeded {args.db} in {time.monotonic() - started:.1f} s (seed {args.seed}, "
          f"today {today})")
    for table in ["users", "team_members", "families", "persons", "cases", "registrations",
                  "registration_problem_areas", "registration_youths", "case_events",
                  "family_plans", "plan_versions"]:
        print(f"  {table:28s} {one(f'SELECT COUNT(*) FROM {table}')[0]:>8}")
    for status, count in db.execute("SELECT status, COUNT(*) FROM cases GROUP BY status"):
        print(f"  cases {status:22s} {count:>8}")
    open_, closed = one("""SELECT SUM(status <> 'afgesloten'), SUM(status = 'afgesloten')
                           FROM cases WHERE worker_id = ?""", iris)
    print(f"  demo.gezinswerker: {open_} open cases, {closed} closed")
    if access:
        for table in ["access_requests", "access_request_results", "access_reviews",
                      "decisions", "decision_versions", "evaluations", "evaluation_results",
                      "monitoring_time", "notifications"]:
            print(f"  {table:28s} {one(f'SELECT COUNT(*) FROM {table}')[0]:>8}")
        n = len(access["decisions"])
        print(f"  decisions: {access_stats['pgb']} PGB ({100 * access_stats['pgb'] / n:.1f} %), "
              f"{access_stats['ended']} ended early, decided "
              + ", ".join(f"{y}: {k}" for y, k in db.execute(
                  "SELECT substr(decided_on, 1, 4), COUNT(*) FROM decisions GROUP BY 1")))
        horizon = (today + dt.timedelta(days=14)).isoformat()
        for label, where, arg in [
                ("team CJG Leudal", "c.team_id = ?", team_of["1640"]),
                ("demo.gezinswerker", "c.worker_id = ?", iris)]:
            overdue, soon = one(f"""SELECT SUM(e.due_on < ?), SUM(e.due_on >= ?)
                FROM evaluations e JOIN decisions d ON d.id = e.decision_id
                JOIN cases c ON c.id = d.case_id
                WHERE e.done_on IS NULL AND e.due_on <= ? AND {where}""",
                                today.isoformat(), today.isoformat(), horizon, arg)
            print(f"  {label}: {overdue or 0} open evaluations overdue, "
                  f"{soon or 0} due within 14 days")
    db.close()


if __name__ == "__main__":
    main()
