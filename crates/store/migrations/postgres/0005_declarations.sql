-- Yearly declarations of the treatment teams' hours: per provider organisation and
-- calendar year, the approved hours at the hourly rate of the moment of issue. An issued
-- declaration is never changed; a correction is a new version (number 2, 3, ...) and
-- only marks the earlier one superseded. `lines` is the JSON snapshot of what was
-- declared: per team and activity, and per member.

CREATE TABLE declarations (
    id                 TEXT PRIMARY KEY,
    organisation_id    TEXT NOT NULL REFERENCES organisations(id),
    year               BIGINT NOT NULL CHECK (year BETWEEN 2000 AND 2999),
    number             BIGINT NOT NULL CHECK (number >= 1),
    hourly_rate_cents  BIGINT NOT NULL CHECK (hourly_rate_cents >= 0),
    registered_minutes BIGINT NOT NULL CHECK (registered_minutes >= 0),
    approved_minutes   BIGINT NOT NULL CHECK (approved_minutes >= 0),
    committed_minutes  BIGINT NOT NULL CHECK (committed_minutes >= 0),
    amount_cents       BIGINT NOT NULL CHECK (amount_cents >= 0),
    lines              TEXT NOT NULL,
    issued_by          TEXT NOT NULL REFERENCES users(id),
    issued_at          TEXT NOT NULL,
    superseded         BIGINT NOT NULL DEFAULT 0 CHECK (superseded IN (0, 1)),
    UNIQUE (organisation_id, year, number)
);
CREATE INDEX declarations_year ON declarations(year, organisation_id);
