-- CBS Beleidsinformatie Jeugd: every file produced for a half year (`2026-1`, `2026-2`),
-- for one municipality (`scope` its CBS code) or all of them (`scope` 'regio'). The file
-- itself is kept, with its SHA-256 and the youths in it (`person_ids`, JSON, for the
-- audit record of a later download). A delivery is never changed: a correction is the
-- whole period again (protocol 7.6), the next `number`, and only marks the earlier
-- deliveries of the period and scope superseded (a region delivery also its
-- municipalities' deliveries).

CREATE TABLE cbs_deliveries (
    id              TEXT PRIMARY KEY,
    period          TEXT NOT NULL CHECK (length(period) = 6),
    scope           TEXT NOT NULL,
    number          BIGINT NOT NULL CHECK (number >= 1),
    record_count    BIGINT NOT NULL CHECK (record_count >= 0),
    sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
    file_name       TEXT NOT NULL,
    content         TEXT NOT NULL,
    person_ids      TEXT NOT NULL,
    created_by      TEXT REFERENCES users(id),
    created_by_name TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    superseded      BIGINT NOT NULL DEFAULT 0 CHECK (superseded IN (0, 1)),
    UNIQUE (period, scope, number)
);
CREATE INDEX cbs_deliveries_period ON cbs_deliveries(period, created_at);
