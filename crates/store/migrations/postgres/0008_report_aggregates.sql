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
-- The triggers run once per statement over its transition tables (new_rows, old_rows),
-- so an import batch or a bulk INSERT ... SELECT costs one insert of counts per table,
-- not one per row; a transaction's counts are folded in once, at its commit (agg_fold
-- below), in key order, so concurrent writers lock the aggregate rows in the same order
-- and only for the end of their commit. SQLite keeps the same tables with row triggers
-- (0008 of migrations/sqlite), which update in place.

CREATE TABLE agg_registrations (
    grain             TEXT NOT NULL CHECK (grain IN ('year', 'month', 'day')),
    period_key        TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    referral_channel  TEXT NOT NULL,
    n                 BIGINT NOT NULL,
    PRIMARY KEY (grain, period_key, municipality_code, referral_channel)
);

CREATE TABLE agg_problem_areas (
    grain             TEXT NOT NULL CHECK (grain IN ('year', 'month', 'day')),
    period_key        TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    problem_area      TEXT NOT NULL,
    n                 BIGINT NOT NULL,
    PRIMARY KEY (grain, period_key, municipality_code, problem_area)
);

CREATE TABLE agg_cases (
    grain             TEXT NOT NULL CHECK (grain IN ('year', 'month', 'day')),
    period_key        TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    opened            BIGINT NOT NULL,
    closed            BIGINT NOT NULL,
    PRIMARY KEY (grain, period_key, municipality_code)
);

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
ALTER TABLE cases ADD CONSTRAINT cases_closed_after_registered
    CHECK (closed_on IS NULL OR closed_on >= registered_on);

-- The counts of the rows there are now, written in key order (rows of a period lie
-- together).
INSERT INTO agg_registrations (grain, period_key, municipality_code, referral_channel, n)
SELECT g.grain, substr(r.registered_on, 1, g.len), r.municipality_code,
       COALESCE(r.referral_channel, ''), COUNT(*)
FROM registrations r
CROSS JOIN (VALUES ('year', 4), ('month', 7), ('day', 10)) AS g (grain, len)
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4;

INSERT INTO agg_problem_areas (grain, period_key, municipality_code, problem_area, n)
SELECT g.grain, substr(r.registered_on, 1, g.len), r.municipality_code, p.problem_area,
       COUNT(*)
FROM registration_problem_areas p
JOIN registrations r ON r.id = p.registration_id
CROSS JOIN (VALUES ('year', 4), ('month', 7), ('day', 10)) AS g (grain, len)
WHERE p.is_primary = 1
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4;

INSERT INTO agg_cases (grain, period_key, municipality_code, opened, closed)
SELECT g.grain, substr(d.day, 1, g.len), d.municipality_code, SUM(d.opened), SUM(d.closed)
FROM (SELECT registered_on AS day, municipality_code, 1 AS opened, 0 AS closed FROM cases
      UNION ALL
      SELECT closed_on, municipality_code, 0, 1 FROM cases WHERE closed_on IS NOT NULL) d
CROSS JOIN (VALUES ('year', 4), ('month', 7), ('day', 10)) AS g (grain, len)
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3;

-- The triggers. Each adds the counts of the statement's new rows and takes away those
-- of its old rows (an update nets the two, so one that moves nothing writes nothing), as
-- rows of the *_pending tables. At commit, agg_fold folds the transaction's pending
-- counts into the aggregates: one upsert per counted row and transaction, however many
-- statements wrote to it. (Updating the same aggregate rows statement after statement
-- would leave a row version per statement that every later update of the transaction
-- has to walk past: an import of many batches in one transaction would slow down with
-- each batch.)
CREATE TABLE agg_registrations_pending (LIKE agg_registrations);
CREATE TABLE agg_problem_areas_pending (LIKE agg_problem_areas);
CREATE TABLE agg_cases_pending (LIKE agg_cases);

-- One row per transaction with pending counts; its deferred trigger folds them in.
CREATE TABLE agg_fold (txid BIGINT PRIMARY KEY);
CREATE FUNCTION agg_fold_at_commit() RETURNS void LANGUAGE sql AS $$
    INSERT INTO agg_fold (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
$$;
-- The pending rows this transaction sees are its own: every transaction deletes its own
-- before it commits.
CREATE FUNCTION agg_fold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH d AS (DELETE FROM agg_registrations_pending RETURNING *)
    INSERT INTO agg_registrations AS a
           (grain, period_key, municipality_code, referral_channel, n)
    SELECT grain, period_key, municipality_code, referral_channel, SUM(n) FROM d
    GROUP BY 1, 2, 3, 4 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (grain, period_key, municipality_code, referral_channel)
    DO UPDATE SET n = a.n + excluded.n;
    WITH d AS (DELETE FROM agg_problem_areas_pending RETURNING *)
    INSERT INTO agg_problem_areas AS a
           (grain, period_key, municipality_code, problem_area, n)
    SELECT grain, period_key, municipality_code, problem_area, SUM(n) FROM d
    GROUP BY 1, 2, 3, 4 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (grain, period_key, municipality_code, problem_area)
    DO UPDATE SET n = a.n + excluded.n;
    WITH d AS (DELETE FROM agg_cases_pending RETURNING *)
    INSERT INTO agg_cases AS a (grain, period_key, municipality_code, opened, closed)
    SELECT grain, period_key, municipality_code, SUM(opened), SUM(closed) FROM d
    GROUP BY 1, 2, 3 HAVING SUM(opened) <> 0 OR SUM(closed) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (grain, period_key, municipality_code)
    DO UPDATE SET opened = a.opened + excluded.opened, closed = a.closed + excluded.closed;
    DELETE FROM agg_fold WHERE txid = NEW.txid;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER agg_fold AFTER INSERT ON agg_fold
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION agg_fold();

-- registrations: their own counts, and those of their primary problem area (which
-- counts on the registration's date and municipality). The foreign key of
-- registration_problem_areas is checked at once here, so a new registration has no
-- problem areas yet. The rows of the other table are looked up one by one (LATERAL ...
-- OFFSET 0), by index: a plan cached for a statement of a few rows or of thousands never
-- scans a whole table.
CREATE FUNCTION agg_registrations_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO agg_registrations_pending
               (grain, period_key, municipality_code, referral_channel, n)
        SELECT g.grain, substr(d.registered_on, 1, g.len), d.municipality_code,
               COALESCE(d.referral_channel, ''), COUNT(*)
        FROM new_rows d
        CROSS JOIN (VALUES ('year', 4), ('month', 7), ('day', 10)) AS g (grain, len)
        GROUP BY 1, 2, 3, 4;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO agg_registrations_pending
               (grain, period_key, municipality_code, referral_channel, n)
        SELECT g.grain, substr(d.registered_on, 1, g.len), d.municipality_code,
               COALESCE(d.referral_channel, ''), -COUNT(*)
        FROM old_rows d
        CROSS JOIN (VALUES ('year', 4), ('month', 7), ('day', 10)) AS g (grain, len)
        GROUP BY 1, 2, 3, 4;
        INSERT INTO agg_problem_areas_pending
               (grain, period_key, municipality_code, problem_area, n)
        SELECT g.grain, substr(d.registered_on, 1, g.len), d.municipality_code,
               p.problem_area, -COUNT(*)
        FROM old_rows d
        CROSS JOIN LATERAL (SELECT problem_area FROM registration_problem_areas p
                            WHERE p.registration_id = d.id AND p.is_primary = 1 OFFSET 0) p
        CROSS JOIN (VALUES ('year', 4), ('month', 7), ('day', 10)) AS g (grain, len)
        GROUP BY 1, 2, 3, 4;
    ELSE
        INSERT INTO agg_registrations_pending
               (grain, period_key, municipality_code, referral_channel, n)
        SELECT g.grain, substr(d.registered_on, 1, g.len), d.municipality_code, d.channel,
               SUM(d.n)
        FROM (SELECT registered_on, municipality_code,
                     COALESCE(referral_channel, '') AS channel, 1 AS n FROM new_rows
              UNION ALL
              SELECT registered_on, municipality_code, COALESCE(referral_channel, ''), -1
              FROM old_rows) d
        CROSS JOIN (VALUES ('year', 4), ('month', 7), ('day', 10)) AS g (grain, len)
        GROUP BY 1, 2, 3, 4 HAVING SUM(d.n) <> 0;
        INSERT INTO agg_problem_areas_pending
               (grain, period_key, municipality_code, problem_area, n)
        SELECT g.grain, substr(d.registered_on, 1, g.len), d.municipality_code,
               d.problem_area, SUM(d.n)
        FROM (SELECT r.registered_on, r.municipality_code, p.problem_area, 1 AS n
              FROM new_rows r
              CROSS JOIN LATERAL (
                  SELECT problem_area FROM registration_problem_areas p
                  WHERE p.registration_id = r.id AND p.is_primary = 1 OFFSET 0) p
              UNION ALL
              SELECT r.registered_on, r.municipality_code, p.problem_area, -1
              FROM old_rows r
              CROSS JOIN LATERAL (
                  SELECT problem_area FROM registration_problem_areas p
                  WHERE p.registration_id = r.id AND p.is_primary = 1 OFFSET 0) p) d
        CROSS JOIN (VALUES ('year', 4), ('month', 7), ('day', 10)) AS g (grain, len)
        GROUP BY 1, 2, 3, 4 HAVING SUM(d.n) <> 0;
    END IF;
    PERFORM agg_fold_at_commit();
    RETURN NULL;
END;
$$;
CREATE TRIGGER agg_registrations_insert AFTER INSERT ON registrations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agg_registrations_changed();
CREATE TRIGGER agg_registrations_update AFTER UPDATE ON registrations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agg_registrations_changed();
CREATE TRIGGER agg_registrations_delete AFTER DELETE ON registrations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agg_registrations_changed();

-- registration_problem_areas: a primary area counts on its registration's date and
-- municipality (none while the registration is missing).
CREATE FUNCTION agg_problem_areas_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO agg_problem_areas_pending
               (grain, period_key, municipality_code, problem_area, n)
        SELECT g.grain, substr(r.registered_on, 1, g.len), r.municipality_code,
               p.problem_area, COUNT(*)
        FROM new_rows p
        CROSS JOIN LATERAL (SELECT registered_on, municipality_code FROM registrations r
                            WHERE r.id = p.registration_id OFFSET 0) r
        CROSS JOIN (VALUES ('year', 4), ('month', 7), ('day', 10)) AS g (grain, len)
        WHERE p.is_primary = 1
        GROUP BY 1, 2, 3, 4;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO agg_problem_areas_pending
               (grain, period_key, municipality_code, problem_area, n)
        SELECT g.grain, substr(r.registered_on, 1, g.len), r.municipality_code,
               p.problem_area, -COUNT(*)
        FROM old_rows p
        CROSS JOIN LATERAL (SELECT registered_on, municipality_code FROM registrations r
                            WHERE r.id = p.registration_id OFFSET 0) r
        CROSS JOIN (VALUES ('year', 4), ('month', 7), ('day', 10)) AS g (grain, len)
        WHERE p.is_primary = 1
        GROUP BY 1, 2, 3, 4;
    ELSE
        INSERT INTO agg_problem_areas_pending
               (grain, period_key, municipality_code, problem_area, n)
        SELECT g.grain, substr(r.registered_on, 1, g.len), r.municipality_code,
               d.problem_area, SUM(d.n)
        FROM (SELECT registration_id, problem_area, 1 AS n FROM new_rows
              WHERE is_primary = 1
              UNION ALL
              SELECT registration_id, problem_area, -1 FROM old_rows
              WHERE is_primary = 1) d
        CROSS JOIN LATERAL (SELECT registered_on, municipality_code FROM registrations r
                            WHERE r.id = d.registration_id OFFSET 0) r
        CROSS JOIN (VALUES ('year', 4), ('month', 7), ('day', 10)) AS g (grain, len)
        GROUP BY 1, 2, 3, 4 HAVING SUM(d.n) <> 0;
    END IF;
    PERFORM agg_fold_at_commit();
    RETURN NULL;
END;
$$;
CREATE TRIGGER agg_problem_areas_insert AFTER INSERT ON registration_problem_areas
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agg_problem_areas_changed();
CREATE TRIGGER agg_problem_areas_update AFTER UPDATE ON registration_problem_areas
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agg_problem_areas_changed();
CREATE TRIGGER agg_problem_areas_delete AFTER DELETE ON registration_problem_areas
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agg_problem_areas_changed();

-- cases: opened on registered_on, closed on closed_on (closing sets it, reopening
-- clears it).
CREATE FUNCTION agg_cases_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO agg_cases_pending (grain, period_key, municipality_code, opened, closed)
        SELECT g.grain, substr(d.day, 1, g.len), d.municipality_code, SUM(d.opened),
               SUM(d.closed)
        FROM (SELECT registered_on AS day, municipality_code, 1 AS opened, 0 AS closed
              FROM new_rows
              UNION ALL
              SELECT closed_on, municipality_code, 0, 1 FROM new_rows
              WHERE closed_on IS NOT NULL) d
        CROSS JOIN (VALUES ('year', 4), ('month', 7), ('day', 10)) AS g (grain, len)
        GROUP BY 1, 2, 3;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO agg_cases_pending (grain, period_key, municipality_code, opened, closed)
        SELECT g.grain, substr(d.day, 1, g.len), d.municipality_code, SUM(d.opened),
               SUM(d.closed)
        FROM (SELECT registered_on AS day, municipality_code, -1 AS opened, 0 AS closed
              FROM old_rows
              UNION ALL
              SELECT closed_on, municipality_code, 0, -1 FROM old_rows
              WHERE closed_on IS NOT NULL) d
        CROSS JOIN (VALUES ('year', 4), ('month', 7), ('day', 10)) AS g (grain, len)
        GROUP BY 1, 2, 3;
    ELSE
        INSERT INTO agg_cases_pending (grain, period_key, municipality_code, opened, closed)
        SELECT g.grain, substr(d.day, 1, g.len), d.municipality_code, SUM(d.opened),
               SUM(d.closed)
        FROM (SELECT registered_on AS day, municipality_code, 1 AS opened, 0 AS closed
              FROM new_rows
              UNION ALL
              SELECT closed_on, municipality_code, 0, 1 FROM new_rows
              WHERE closed_on IS NOT NULL
              UNION ALL
              SELECT registered_on, municipality_code, -1, 0 FROM old_rows
              UNION ALL
              SELECT closed_on, municipality_code, 0, -1 FROM old_rows
              WHERE closed_on IS NOT NULL) d
        CROSS JOIN (VALUES ('year', 4), ('month', 7), ('day', 10)) AS g (grain, len)
        GROUP BY 1, 2, 3 HAVING SUM(d.opened) <> 0 OR SUM(d.closed) <> 0;
    END IF;
    PERFORM agg_fold_at_commit();
    RETURN NULL;
END;
$$;
CREATE TRIGGER agg_cases_insert AFTER INSERT ON cases
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agg_cases_changed();
CREATE TRIGGER agg_cases_update AFTER UPDATE ON cases
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agg_cases_changed();
CREATE TRIGGER agg_cases_delete AFTER DELETE ON cases
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agg_cases_changed();

-- TRUNCATE empties a counted table without row images: its counts go with it, and so
-- do those its earlier statements in the transaction left pending.
CREATE FUNCTION agg_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'registrations' THEN
        DELETE FROM agg_registrations;
        DELETE FROM agg_registrations_pending;
        DELETE FROM agg_problem_areas;
        DELETE FROM agg_problem_areas_pending;
    ELSIF TG_TABLE_NAME = 'registration_problem_areas' THEN
        DELETE FROM agg_problem_areas;
        DELETE FROM agg_problem_areas_pending;
    ELSIF TG_TABLE_NAME = 'cases' THEN
        DELETE FROM agg_cases;
        DELETE FROM agg_cases_pending;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER agg_registrations_truncate AFTER TRUNCATE ON registrations
    FOR EACH STATEMENT EXECUTE FUNCTION agg_truncated();
CREATE TRIGGER agg_problem_areas_truncate AFTER TRUNCATE ON registration_problem_areas
    FOR EACH STATEMENT EXECUTE FUNCTION agg_truncated();
CREATE TRIGGER agg_cases_truncate AFTER TRUNCATE ON cases
    FOR EACH STATEMENT EXECUTE FUNCTION agg_truncated();
