-- The values a person or network member had before each change, so that the team of a
-- closed case reads the family as it was when its case closed, not what a later team
-- wrote since. One row per replaced version, written in the same transaction as the
-- change.

CREATE TABLE person_versions (
    id                TEXT NOT NULL REFERENCES persons(id),
    family_id         TEXT NOT NULL,
    kind              TEXT NOT NULL,
    name              TEXT NOT NULL,
    birth_date        TEXT,
    bsn               TEXT,
    municipality_code TEXT,
    has_authority     BIGINT,
    phone             TEXT,
    version           BIGINT NOT NULL,
    replaced_at       TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE INDEX person_versions_replaced ON person_versions (id, replaced_at);

CREATE TABLE network_member_versions (
    id           TEXT NOT NULL REFERENCES network_members(id),
    name         TEXT NOT NULL,
    relation     TEXT NOT NULL,
    contact      TEXT NOT NULL,
    contribution TEXT NOT NULL,
    version      BIGINT NOT NULL,
    replaced_at  TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE INDEX network_member_versions_replaced ON network_member_versions (id, replaced_at);
