-- Families, registrations, cases and the family plan (1Gezin 1Plan 1Regisseur).
-- Dates without time ('YYYY-MM-DD') are the dates the work happened on; times are the
-- stored UTC text of the foundation.

-- Which teams a user is in: asked on every case access.
CREATE INDEX team_members_user ON team_members(user_id);

-- Running numbers (case numbers), taken with UPDATE ... RETURNING.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

CREATE TABLE families (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Youths and parents/carers. A BSN is unique: the same child is never two records.
CREATE TABLE persons (
    id                TEXT PRIMARY KEY,
    family_id         TEXT NOT NULL REFERENCES families(id),
    kind              TEXT NOT NULL CHECK (kind IN ('youth','parent')),
    name              TEXT NOT NULL,
    name_key          TEXT NOT NULL,
    birth_date        TEXT,
    bsn               TEXT UNIQUE CHECK (bsn IS NULL OR length(bsn) = 9),
    municipality_code TEXT REFERENCES municipalities(code),
    has_authority     BIGINT CHECK (has_authority IN (0, 1)),
    phone             TEXT,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK (kind <> 'youth' OR birth_date IS NOT NULL)
);
CREATE INDEX persons_family ON persons(family_id);
CREATE INDEX persons_birth_date ON persons(birth_date);
CREATE INDEX persons_name_key ON persons(name_key);

-- The words of every person's name (as in name_key), for search by name prefix. Byte
-- order, so "word >= prefix AND word < next(prefix)" is an index range on both backends.
CREATE TABLE person_name_words (
    word      TEXT COLLATE "C" NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons(id),
    PRIMARY KEY (word, person_id)
);
CREATE INDEX person_name_words_person ON person_name_words(person_id);

CREATE TABLE network_members (
    id           TEXT PRIMARY KEY,
    family_id    TEXT NOT NULL REFERENCES families(id),
    name         TEXT NOT NULL,
    relation     TEXT NOT NULL,
    contact      TEXT NOT NULL DEFAULT '',
    contribution TEXT NOT NULL DEFAULT '',
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX network_members_family ON network_members(family_id);

CREATE TABLE cases (
    id                TEXT PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    family_id         TEXT NOT NULL REFERENCES families(id),
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    team_id           TEXT NOT NULL REFERENCES teams(id),
    worker_id         TEXT REFERENCES users(id),
    status            TEXT NOT NULL CHECK (status IN ('aangemeld','in_begeleiding','afgesloten')),
    registered_on     TEXT NOT NULL,
    picked_up_on      TEXT,
    closed_on         TEXT,
    close_reason      TEXT CHECK (close_reason IS NULL OR close_reason IN ('goals_reached','referred_specialised','moved','family_stopped','other')),
    help_kind         TEXT CHECK (help_kind IS NULL OR help_kind IN ('information_advice','ambulatory_basic','group_work')),
    drang             BIGINT NOT NULL DEFAULT 0 CHECK (drang IN (0, 1)),
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK ((status = 'afgesloten') = (closed_on IS NOT NULL AND close_reason IS NOT NULL)),
    CHECK (status = 'aangemeld' OR picked_up_on IS NOT NULL OR status = 'afgesloten')
);
CREATE INDEX cases_family ON cases(family_id);
-- One family, one open case (one plan, one coordinator).
CREATE UNIQUE INDEX cases_one_open_per_family ON cases(family_id) WHERE status <> 'afgesloten';
CREATE INDEX cases_worker_status ON cases(worker_id, status);
CREATE INDEX cases_team_status ON cases(team_id, status, registered_on);

CREATE TABLE registrations (
    id                TEXT PRIMARY KEY,
    case_id           TEXT NOT NULL REFERENCES cases(id),
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    registered_on     TEXT NOT NULL,
    referral_channel  TEXT,
    question          TEXT NOT NULL,
    created_by        TEXT NOT NULL REFERENCES users(id),
    created_at        TEXT NOT NULL
);
CREATE INDEX registrations_case ON registrations(case_id);
CREATE INDEX registrations_on ON registrations(registered_on);

CREATE TABLE registration_problem_areas (
    registration_id TEXT NOT NULL REFERENCES registrations(id),
    problem_area    TEXT NOT NULL,
    is_primary      BIGINT NOT NULL CHECK (is_primary IN (0, 1)),
    PRIMARY KEY (registration_id, problem_area)
);

CREATE TABLE registration_youths (
    registration_id TEXT NOT NULL REFERENCES registrations(id),
    person_id       TEXT NOT NULL REFERENCES persons(id),
    PRIMARY KEY (registration_id, person_id)
);

-- The dated timeline of a case: every transition and change of hands.
CREATE TABLE case_events (
    id       TEXT PRIMARY KEY,
    case_id  TEXT NOT NULL REFERENCES cases(id),
    at       TEXT NOT NULL,
    on_date  TEXT NOT NULL,
    kind     TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT '',
    user_id  TEXT REFERENCES users(id)
);
CREATE INDEX case_events_case ON case_events(case_id, at);

-- Professionals explicitly involved in a case, with the reason.
CREATE TABLE case_involvements (
    case_id  TEXT NOT NULL REFERENCES cases(id),
    user_id  TEXT NOT NULL REFERENCES users(id),
    reason   TEXT NOT NULL,
    added_by TEXT NOT NULL REFERENCES users(id),
    added_at TEXT NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_involvements_user ON case_involvements(user_id);

-- Break the glass: access to a case without involvement, for a limited time.
CREATE TABLE break_glass_accesses (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    team_id    TEXT NOT NULL REFERENCES teams(id),
    reason     TEXT NOT NULL,
    at         TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    reviewed_by TEXT REFERENCES users(id),
    reviewed_at TEXT
);
CREATE INDEX break_glass_case_user ON break_glass_accesses(case_id, user_id, expires_at);
CREATE INDEX break_glass_team ON break_glass_accesses(team_id, at);

-- One plan per family; its versions are immutable except for the agreement record.
CREATE TABLE family_plans (
    family_id           TEXT PRIMARY KEY REFERENCES families(id),
    coordinator_kind    TEXT NOT NULL CHECK (coordinator_kind IN ('family','professional')),
    coordinator_user_id TEXT REFERENCES users(id),
    current_version     BIGINT NOT NULL,
    next_action_due     TEXT,
    agreed              BIGINT NOT NULL DEFAULT 0 CHECK (agreed IN (0, 1)),
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    CHECK ((coordinator_kind = 'professional') = (coordinator_user_id IS NOT NULL))
);

CREATE TABLE plan_versions (
    family_id     TEXT NOT NULL REFERENCES families(id),
    number        BIGINT NOT NULL,
    content       TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES users(id),
    created_at    TEXT NOT NULL,
    agreed_on     TEXT,
    agreed_by     TEXT,
    agreement_recorded_by TEXT REFERENCES users(id),
    PRIMARY KEY (family_id, number)
);
