#!/usr/bin/env python3
"""Times eenplan's reports against DuckDB computing the same figures from an export.

Exports the registrations, cases and decisions of an eenplan PostgreSQL database to
Parquet (through psql's \\copy to CSV), then, for `volumes`, `referral-channels` and
`access-funding`, for the whole country and for one municipality:
  - eenplan: GET /api/v1/reports/NAME?from=..&to=..[&area=..] from a running server
    (Authorization: Bearer TOKEN of a user who sees every figure), RUNS times;
  - DuckDB: the same figures from the Parquet files, RUNS times (each run scans them);
checks that both give the same figures and prints the median and p95 times and the
ratio eenplan / DuckDB.

Usage: duckdb_compare.py --database-url postgres://... --server http://127.0.0.1:PORT
       --token TOKEN --from 2025-01-01 --to 2025-12-31 --municipality 0363 [--runs 30]
       [--work DIR]
Needs: psql on the PATH, the Python package duckdb (pip install duckdb).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

import duckdb

EXPORTS = {
    "registrations": "SELECT municipality_code, registered_on::date AS registered_on,"
    " referral_channel FROM registrations",
    "cases": "SELECT municipality_code, registered_on::date AS registered_on,"
    " closed_on::date AS closed_on FROM cases",
    "decisions": "SELECT municipality_code, youth_id, funding, start_day, last_day FROM decisions",
}


def export(database_url, work):
    paths = {}
    for name, sql in EXPORTS.items():
        csv_path = os.path.join(work, f"{name}.csv")
        parquet = os.path.join(work, f"{name}.parquet")
        subprocess.run(
            ["psql", database_url, "-q", "-c", f"\\copy ({sql}) TO '{csv_path}' CSV HEADER"],
            check=True,
        )
        duckdb.sql(
            f"COPY (SELECT * FROM read_csv_auto('{csv_path}')) TO '{parquet}' (FORMAT PARQUET)"
        )
        os.remove(csv_path)
        paths[name] = parquet
    return paths


def day_number(iso):
    import datetime

    return (datetime.date.fromisoformat(iso) - datetime.date(1970, 1, 1)).days


def duck_queries(p, f, t, m):
    where_m = f" AND municipality_code = '{m}'" if m else ""
    fd, td = day_number(f), day_number(t)
    return {
        "volumes": f"""
            SELECT municipality_code AS m, 'r' AS k, COUNT(*) AS n FROM '{p['registrations']}'
            WHERE registered_on BETWEEN DATE '{f}' AND DATE '{t}'{where_m} GROUP BY 1
            UNION ALL
            SELECT municipality_code, 'c', COUNT(*) FROM '{p['cases']}'
            WHERE closed_on BETWEEN DATE '{f}' AND DATE '{t}'{where_m} GROUP BY 1
            UNION ALL
            SELECT municipality_code, 'i', COUNT(*) FROM '{p['cases']}'
            WHERE registered_on <= DATE '{t}' AND (closed_on IS NULL OR closed_on >= DATE '{f}'){where_m}
            GROUP BY 1""",
        "referral-channels": f"""
            SELECT COALESCE(referral_channel, 'unknown') AS channel, COUNT(*) AS n
            FROM '{p['registrations']}'
            WHERE registered_on BETWEEN DATE '{f}' AND DATE '{t}'{where_m} GROUP BY 1""",
        "access-funding": f"""
            SELECT SUM(CASE WHEN z AND NOT g THEN 1 ELSE 0 END),
                   SUM(CASE WHEN g AND NOT z THEN 1 ELSE 0 END),
                   SUM(CASE WHEN z AND g THEN 1 ELSE 0 END)
            FROM (SELECT youth_id, bool_or(funding = 'zin') AS z, bool_or(funding = 'pgb') AS g
                  FROM '{p['decisions']}'
                  WHERE start_day <= {td} AND last_day >= {fd}{where_m} GROUP BY youth_id)""",
    }


def duck_figures(name, rows):
    if name == "volumes":
        out = {"registrations": 0, "closed": 0, "in_care": 0}
        key = {"r": "registrations", "c": "closed", "i": "in_care"}
        for _, k, n in rows:
            out[key[k]] += n
        return out
    if name == "referral-channels":
        return {c: n for c, n in rows}
    zin, pgb, both = rows[0]
    return {"zin_only": zin or 0, "pgb_only": pgb or 0, "both": both or 0}


def eenplan_figures(name, doc):
    rows = doc["rows"]
    if name == "volumes":
        munis = [r for r in rows if len(r["area_code"]) == 4 and r["area_code"].isdigit()]
        return {k: sum(r[k] for r in munis) for k in ("registrations", "closed", "in_care")}
    if name == "referral-channels":
        return {r["channel"]: r["count"] for r in rows}
    return {r["funding"]: r["youths"] for r in rows if r["funding"] != "total"}


def timed(fn, runs):
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(round(0.95 * len(times))) - 1)], result


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--database-url", required=True)
    a.add_argument("--server", required=True)
    a.add_argument("--token", required=True)
    a.add_argument("--from", dest="f", required=True)
    a.add_argument("--to", dest="t", required=True)
    a.add_argument("--municipality", required=True)
    a.add_argument("--runs", type=int, default=30)
    a.add_argument("--work", default="/tmp/eenplan-duckdb")
    args = a.parse_args()
    os.makedirs(args.work, exist_ok=True)

    t0 = time.perf_counter()
    paths = export(args.database_url, args.work)
    sizes = {k: os.path.getsize(v) // (1024 * 1024) for k, v in paths.items()}
    print(f"export to Parquet: {time.perf_counter() - t0:.1f} s; sizes MB {sizes}", file=sys.stderr)
    con = duckdb.connect()
    threads = con.sql("SELECT current_setting('threads')").fetchone()[0]

    lines = []
    header = f"{'report':<18} {'scope':<10} {'eenplan_med_ms':>14} {'eenplan_p95_ms':>14} {'duckdb_med_ms':>13} {'duckdb_p95_ms':>13} {'ratio':>6}  same"
    lines.append(header)
    ok = True
    for scope, m in (("country", None), (args.municipality, args.municipality)):
        for name in ("volumes", "referral-channels", "access-funding"):
            url = f"{args.server}/api/v1/reports/{name}?from={args.f}&to={args.t}"
            if m:
                url += f"&area={m}"

            def call():
                req = urllib.request.Request(url, headers={"Authorization": f"Bearer {args.token}"})
                with urllib.request.urlopen(req) as r:
                    return json.loads(r.read())

            call()  # warm-up
            e_med, e_p95, doc = timed(call, args.runs)
            sql = duck_queries(paths, args.f, args.t, m)[name]
            con.sql(sql).fetchall()  # warm-up
            d_med, d_p95, rows = timed(lambda: con.sql(sql).fetchall(), args.runs)
            same = eenplan_figures(name, doc) == duck_figures(name, rows)
            ok &= same
            lines.append(
                f"{name:<18} {scope:<10} {e_med:14.1f} {e_p95:14.1f} {d_med:13.1f} {d_p95:13.1f} {e_med / d_med:6.2f}  {'yes' if same else 'NO'}"
            )
            if not same:
                print(f"{name} {scope}: eenplan {eenplan_figures(name, doc)} duckdb {duck_figures(name, rows)}", file=sys.stderr)
    print(f"DuckDB {duckdb.__version__} ({threads} threads) on Parquet vs eenplan API on PostgreSQL; {args.runs} runs each; period {args.f} - {args.t}")
    print("\n".join(lines))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
