-- Report aggregates: what the additive reports (volumes, referral-channels,
-- problem-areas) add up, counted per municipality and per year, month and day, so that
-- any period is a few whole years, a few whole months and the days left at either end
-- (crates/reports/src/aggregates.rs) instead of a scan of every registration and case.
--
-- The database keeps them, with triggers on the tables they count: every write path
-- (pages, API, import, generators, SQL by hand) keeps them right without knowing of
-- them. The counts follow the rows as they are now:
--   agg_registrations  registrations by their date, municipality and referral channel
--                      ('' for none);
--   agg_problem_areas  primary problem areas (is_primary = 1) by their registration's
--                      date and municipality; a registration without one is the
--                      report's "unknown" (registrations minus these);
--   agg_cases          cases opened (registered_on) and closed (closed_on) by date and
--                      municipality. In care during [from, to] = opened on or before
--                      `to` minus closed before `from`.
-- grain 'year' has period_key 'YYYY', 'month' 'YYYY-MM', 'day' 'YYYY-MM-DD' (the first
-- 4, 7 or 10 characters of the date). A count that drops to zero keeps its row.
--
-- PostgreSQL keeps the same tables with statement triggers (0008 of migrations/postgres).
-- A migration that rebuilds one of the counted tables drops its triggers with it and
-- must create them again.

CREATE TABLE agg_registrations (
    grain             TEXT NOT NULL CHECK (grain IN ('year', 'month', 'day')),
    period_key        TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    referral_channel  TEXT NOT NULL,
    n                 INTEGER NOT NULL,
    PRIMARY KEY (grain, period_key, municipality_code, referral_channel)
) WITHOUT ROWID;

CREATE TABLE agg_problem_areas (
    grain             TEXT NOT NULL CHECK (grain IN ('year', 'month', 'day')),
    period_key        TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    problem_area      TEXT NOT NULL,
    n                 INTEGER NOT NULL,
    PRIMARY KEY (grain, period_key, municipality_code, problem_area)
) WITHOUT ROWID;

CREATE TABLE agg_cases (
    grain             TEXT NOT NULL CHECK (grain IN ('year', 'month', 'day')),
    period_key        TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    opened            INTEGER NOT NULL,
    closed            INTEGER NOT NULL,
    PRIMARY KEY (grain, period_key, municipality_code)
) WITHOUT ROWID;

-- The primary keys serve a period of all municipalities (one index range per grain and
-- span of keys); these a period of an area's municipalities.
CREATE INDEX agg_registrations_municipality ON agg_registrations(municipality_code, grain, period_key);
CREATE INDEX agg_problem_areas_municipality ON agg_problem_areas(municipality_code, grain, period_key);
CREATE INDEX agg_cases_municipality ON agg_cases(municipality_code, grain, period_key);

-- What the sums rest on, made rules of the database: a registration has at most one
-- primary problem area (so registrations minus primary areas counts those without
-- one), and a case does not close before it is registered (so a case closed before a
-- period began was registered before it too). Eenplan never wrote otherwise; existing
-- rows that break either rule stop this migration.
CREATE UNIQUE INDEX registration_problem_areas_one_primary
    ON registration_problem_areas(registration_id) WHERE is_primary = 1;

CREATE TRIGGER cases_closed_after_registered_insert BEFORE INSERT ON cases
WHEN NEW.closed_on < NEW.registered_on
BEGIN
    SELECT RAISE(ABORT, 'a case cannot close before it is registered');
END;
CREATE TRIGGER cases_closed_after_registered_update
BEFORE UPDATE OF registered_on, closed_on ON cases
WHEN NEW.closed_on < NEW.registered_on
BEGIN
    SELECT RAISE(ABORT, 'a case cannot close before it is registered');
END;
-- The rows there are now, checked by the trigger above.
UPDATE cases SET closed_on = closed_on WHERE closed_on < registered_on;

-- The counts of the rows there are now, written in key order (rows of a period lie
-- together).
INSERT INTO agg_registrations (grain, period_key, municipality_code, referral_channel, n)
SELECT g.grain, substr(r.registered_on, 1, g.len), r.municipality_code,
       COALESCE(r.referral_channel, ''), COUNT(*)
FROM registrations r
CROSS JOIN (SELECT 'year' AS grain, 4 AS len UNION ALL SELECT 'month', 7
            UNION ALL SELECT 'day', 10) g
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4;

INSERT INTO agg_problem_areas (grain, period_key, municipality_code, problem_area, n)
SELECT g.grain, substr(r.registered_on, 1, g.len), r.municipality_code, p.problem_area,
       COUNT(*)
FROM registration_problem_areas p
JOIN registrations r ON r.id = p.registration_id
CROSS JOIN (SELECT 'year' AS grain, 4 AS len UNION ALL SELECT 'month', 7
            UNION ALL SELECT 'day', 10) g
WHERE p.is_primary = 1
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4;

INSERT INTO agg_cases (grain, period_key, municipality_code, opened, closed)
SELECT g.grain, substr(d.day, 1, g.len), d.municipality_code, SUM(d.opened), SUM(d.closed)
FROM (SELECT registered_on AS day, municipality_code, 1 AS opened, 0 AS closed FROM cases
      UNION ALL
      SELECT closed_on, municipality_code, 0, 1 FROM cases WHERE closed_on IS NOT NULL) d
CROSS JOIN (SELECT 'year' AS grain, 4 AS len UNION ALL SELECT 'month', 7
            UNION ALL SELECT 'day', 10) g
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3;

-- The triggers. An insert or a delete adds or takes away the row's counts at the three
-- grains in one upsert of three rows (no subquery, no sort: these run for every row of
-- an import); an update nets the old row's counts and the new one's, so one that moves
-- nothing writes nothing. (`WHERE true`: SQLite reads an ON after a join in INSERT ...
-- SELECT as the join's ON, unless a WHERE comes between.)

-- registrations: their own counts, and those of their primary problem area (which
-- counts on the registration's date and municipality). A registration inserted after
-- its problem areas (foreign keys deferred) brings them in; one deleted before them
-- takes them out, and their own delete then finds no registration.
CREATE TRIGGER agg_registrations_insert AFTER INSERT ON registrations
BEGIN
    INSERT INTO agg_registrations (grain, period_key, municipality_code, referral_channel, n)
    VALUES ('year', substr(NEW.registered_on, 1, 4), NEW.municipality_code,
            COALESCE(NEW.referral_channel, ''), 1),
           ('month', substr(NEW.registered_on, 1, 7), NEW.municipality_code,
            COALESCE(NEW.referral_channel, ''), 1),
           ('day', NEW.registered_on, NEW.municipality_code,
            COALESCE(NEW.referral_channel, ''), 1)
    ON CONFLICT (grain, period_key, municipality_code, referral_channel)
    DO UPDATE SET n = n + excluded.n;
    INSERT INTO agg_problem_areas (grain, period_key, municipality_code, problem_area, n)
    SELECT 'year', substr(NEW.registered_on, 1, 4), NEW.municipality_code, p.problem_area, 1
    FROM registration_problem_areas p WHERE p.registration_id = NEW.id AND p.is_primary = 1
    UNION ALL
    SELECT 'month', substr(NEW.registered_on, 1, 7), NEW.municipality_code, p.problem_area, 1
    FROM registration_problem_areas p WHERE p.registration_id = NEW.id AND p.is_primary = 1
    UNION ALL
    SELECT 'day', NEW.registered_on, NEW.municipality_code, p.problem_area, 1
    FROM registration_problem_areas p WHERE p.registration_id = NEW.id AND p.is_primary = 1
    ON CONFLICT (grain, period_key, municipality_code, problem_area)
    DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER agg_registrations_delete AFTER DELETE ON registrations
BEGIN
    INSERT INTO agg_registrations (grain, period_key, municipality_code, referral_channel, n)
    VALUES ('year', substr(OLD.registered_on, 1, 4), OLD.municipality_code,
            COALESCE(OLD.referral_channel, ''), -1),
           ('month', substr(OLD.registered_on, 1, 7), OLD.municipality_code,
            COALESCE(OLD.referral_channel, ''), -1),
           ('day', OLD.registered_on, OLD.municipality_code,
            COALESCE(OLD.referral_channel, ''), -1)
    ON CONFLICT (grain, period_key, municipality_code, referral_channel)
    DO UPDATE SET n = n + excluded.n;
    INSERT INTO agg_problem_areas (grain, period_key, municipality_code, problem_area, n)
    SELECT 'year', substr(OLD.registered_on, 1, 4), OLD.municipality_code, p.problem_area, -1
    FROM registration_problem_areas p WHERE p.registration_id = OLD.id AND p.is_primary = 1
    UNION ALL
    SELECT 'month', substr(OLD.registered_on, 1, 7), OLD.municipality_code, p.problem_area, -1
    FROM registration_problem_areas p WHERE p.registration_id = OLD.id AND p.is_primary = 1
    UNION ALL
    SELECT 'day', OLD.registered_on, OLD.municipality_code, p.problem_area, -1
    FROM registration_problem_areas p WHERE p.registration_id = OLD.id AND p.is_primary = 1
    ON CONFLICT (grain, period_key, municipality_code, problem_area)
    DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER agg_registrations_update
AFTER UPDATE OF id, registered_on, municipality_code, referral_channel ON registrations
BEGIN
    INSERT INTO agg_registrations (grain, period_key, municipality_code, referral_channel, n)
    SELECT g.grain, substr(d.day, 1, g.len), d.municipality_code, d.channel, SUM(d.n)
    FROM (SELECT OLD.registered_on AS day, OLD.municipality_code AS municipality_code,
                 COALESCE(OLD.referral_channel, '') AS channel, -1 AS n
          UNION ALL
          SELECT NEW.registered_on, NEW.municipality_code,
                 COALESCE(NEW.referral_channel, ''), 1) d
    CROSS JOIN (SELECT 'year' AS grain, 4 AS len UNION ALL SELECT 'month', 7
                UNION ALL SELECT 'day', 10) g
    GROUP BY 1, 2, 3, 4
    HAVING SUM(d.n) <> 0
    ON CONFLICT (grain, period_key, municipality_code, referral_channel)
    DO UPDATE SET n = n + excluded.n;
    INSERT INTO agg_problem_areas (grain, period_key, municipality_code, problem_area, n)
    SELECT g.grain, substr(d.day, 1, g.len), d.municipality_code, d.problem_area, SUM(d.n)
    FROM (SELECT OLD.registered_on AS day, OLD.municipality_code AS municipality_code,
                 p.problem_area AS problem_area, -1 AS n
          FROM registration_problem_areas p
          WHERE p.registration_id = OLD.id AND p.is_primary = 1
          UNION ALL
          SELECT NEW.registered_on, NEW.municipality_code, p.problem_area, 1
          FROM registration_problem_areas p
          WHERE p.registration_id = NEW.id AND p.is_primary = 1) d
    CROSS JOIN (SELECT 'year' AS grain, 4 AS len UNION ALL SELECT 'month', 7
                UNION ALL SELECT 'day', 10) g
    GROUP BY 1, 2, 3, 4
    HAVING SUM(d.n) <> 0
    ON CONFLICT (grain, period_key, municipality_code, problem_area)
    DO UPDATE SET n = n + excluded.n;
END;

-- registration_problem_areas: a primary area counts on its registration's date and
-- municipality (none while the registration is missing).
CREATE TRIGGER agg_problem_areas_insert AFTER INSERT ON registration_problem_areas
WHEN NEW.is_primary = 1
BEGIN
    INSERT INTO agg_problem_areas (grain, period_key, municipality_code, problem_area, n)
    SELECT 'year', substr(r.registered_on, 1, 4), r.municipality_code, NEW.problem_area, 1
    FROM registrations r WHERE r.id = NEW.registration_id
    UNION ALL
    SELECT 'month', substr(r.registered_on, 1, 7), r.municipality_code, NEW.problem_area, 1
    FROM registrations r WHERE r.id = NEW.registration_id
    UNION ALL
    SELECT 'day', r.registered_on, r.municipality_code, NEW.problem_area, 1
    FROM registrations r WHERE r.id = NEW.registration_id
    ON CONFLICT (grain, period_key, municipality_code, problem_area)
    DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER agg_problem_areas_delete AFTER DELETE ON registration_problem_areas
WHEN OLD.is_primary = 1
BEGIN
    INSERT INTO agg_problem_areas (grain, period_key, municipality_code, problem_area, n)
    SELECT 'year', substr(r.registered_on, 1, 4), r.municipality_code, OLD.problem_area, -1
    FROM registrations r WHERE r.id = OLD.registration_id
    UNION ALL
    SELECT 'month', substr(r.registered_on, 1, 7), r.municipality_code, OLD.problem_area, -1
    FROM registrations r WHERE r.id = OLD.registration_id
    UNION ALL
    SELECT 'day', r.registered_on, r.municipality_code, OLD.problem_area, -1
    FROM registrations r WHERE r.id = OLD.registration_id
    ON CONFLICT (grain, period_key, municipality_code, problem_area)
    DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER agg_problem_areas_update
AFTER UPDATE OF registration_id, problem_area, is_primary ON registration_problem_areas
BEGIN
    INSERT INTO agg_problem_areas (grain, period_key, municipality_code, problem_area, n)
    SELECT g.grain, substr(d.day, 1, g.len), d.municipality_code, d.problem_area, SUM(d.n)
    FROM (SELECT r.registered_on AS day, r.municipality_code AS municipality_code,
                 OLD.problem_area AS problem_area, -1 AS n
          FROM registrations r
          WHERE r.id = OLD.registration_id AND OLD.is_primary = 1
          UNION ALL
          SELECT r.registered_on, r.municipality_code, NEW.problem_area, 1
          FROM registrations r
          WHERE r.id = NEW.registration_id AND NEW.is_primary = 1) d
    CROSS JOIN (SELECT 'year' AS grain, 4 AS len UNION ALL SELECT 'month', 7
                UNION ALL SELECT 'day', 10) g
    GROUP BY 1, 2, 3, 4
    HAVING SUM(d.n) <> 0
    ON CONFLICT (grain, period_key, municipality_code, problem_area)
    DO UPDATE SET n = n + excluded.n;
END;

-- cases: opened on registered_on, closed on closed_on (closing sets it, reopening
-- clears it).
CREATE TRIGGER agg_cases_insert AFTER INSERT ON cases
BEGIN
    INSERT INTO agg_cases (grain, period_key, municipality_code, opened, closed)
    VALUES ('year', substr(NEW.registered_on, 1, 4), NEW.municipality_code, 1, 0),
           ('month', substr(NEW.registered_on, 1, 7), NEW.municipality_code, 1, 0),
           ('day', NEW.registered_on, NEW.municipality_code, 1, 0)
    ON CONFLICT (grain, period_key, municipality_code)
    DO UPDATE SET opened = opened + excluded.opened;
END;

CREATE TRIGGER agg_cases_insert_closed AFTER INSERT ON cases
WHEN NEW.closed_on IS NOT NULL
BEGIN
    INSERT INTO agg_cases (grain, period_key, municipality_code, opened, closed)
    VALUES ('year', substr(NEW.closed_on, 1, 4), NEW.municipality_code, 0, 1),
           ('month', substr(NEW.closed_on, 1, 7), NEW.municipality_code, 0, 1),
           ('day', NEW.closed_on, NEW.municipality_code, 0, 1)
    ON CONFLICT (grain, period_key, municipality_code)
    DO UPDATE SET closed = closed + excluded.closed;
END;

CREATE TRIGGER agg_cases_delete AFTER DELETE ON cases
BEGIN
    INSERT INTO agg_cases (grain, period_key, municipality_code, opened, closed)
    VALUES ('year', substr(OLD.registered_on, 1, 4), OLD.municipality_code, -1, 0),
           ('month', substr(OLD.registered_on, 1, 7), OLD.municipality_code, -1, 0),
           ('day', OLD.registered_on, OLD.municipality_code, -1, 0)
    ON CONFLICT (grain, period_key, municipality_code)
    DO UPDATE SET opened = opened + excluded.opened;
END;

CREATE TRIGGER agg_cases_delete_closed AFTER DELETE ON cases
WHEN OLD.closed_on IS NOT NULL
BEGIN
    INSERT INTO agg_cases (grain, period_key, municipality_code, opened, closed)
    VALUES ('year', substr(OLD.closed_on, 1, 4), OLD.municipality_code, 0, -1),
           ('month', substr(OLD.closed_on, 1, 7), OLD.municipality_code, 0, -1),
           ('day', OLD.closed_on, OLD.municipality_code, 0, -1)
    ON CONFLICT (grain, period_key, municipality_code)
    DO UPDATE SET closed = closed + excluded.closed;
END;

CREATE TRIGGER agg_cases_update
AFTER UPDATE OF registered_on, closed_on, municipality_code ON cases
BEGIN
    INSERT INTO agg_cases (grain, period_key, municipality_code, opened, closed)
    SELECT g.grain, substr(d.day, 1, g.len), d.municipality_code, SUM(d.opened),
           SUM(d.closed)
    FROM (SELECT OLD.registered_on AS day, OLD.municipality_code AS municipality_code,
                 -1 AS opened, 0 AS closed
          UNION ALL
          SELECT OLD.closed_on, OLD.municipality_code, 0, -1 WHERE OLD.closed_on IS NOT NULL
          UNION ALL
          SELECT NEW.registered_on, NEW.municipality_code, 1, 0
          UNION ALL
          SELECT NEW.closed_on, NEW.municipality_code, 0, 1 WHERE NEW.closed_on IS NOT NULL) d
    CROSS JOIN (SELECT 'year' AS grain, 4 AS len UNION ALL SELECT 'month', 7
                UNION ALL SELECT 'day', 10) g
    GROUP BY 1, 2, 3
    HAVING SUM(d.opened) <> 0 OR SUM(d.closed) <> 0
    ON CONFLICT (grain, period_key, municipality_code)
    DO UPDATE SET opened = opened + excluded.opened, closed = closed + excluded.closed;
END;
