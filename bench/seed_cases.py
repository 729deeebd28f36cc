#!/usr/bin/env python3
"""Bulk case data for bench/cases.sh: ten years of a region on SQLite.

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
  * counters case_<year> moved past the numbers used.

demo.gezinswerker (CJG Leudal) ends up with --demo-open open cases in total (the demo
case included) plus her share of the closed Leudal cases.

Everything goes in one transaction with foreign keys on; the schema's CHECKs and
foreign keys are enforced by SQLite while inserting. Deterministic for a given --seed
(and run date: "today" is the day the script runs). Python standard library only.
"""

import argparse
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("db", help="path of eenplan.sqlite3 (the server must be stopped)")
    ap.add_argument("--families", type=int, default=30_000)
    ap.add_argument("--cases", type=int, default=60_000)
    ap.add_argument("--workers", type=int, default=70)
    ap.add_argument("--demo-open", type=int, default=40,
                    help="open cases of demo.gezinswerker in total (default 40)")
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
                       sorted(seq.items()))
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
    db.close()


if __name__ == "__main__":
    main()
