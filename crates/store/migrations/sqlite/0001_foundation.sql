-- Foundation: settings, code lists, municipalities, organisations, teams, users,
-- sessions, API tokens and the append-only, hash-chained audit log.
-- Times are UTC text 'YYYY-MM-DDTHH:MM:SS.ffffffZ' so they sort and compare as text on
-- both backends. Ids that appear in URLs are random UUIDs.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE municipalities (
    code      TEXT PRIMARY KEY CHECK (length(code) = 4),
    name      TEXT NOT NULL,
    subregion TEXT NOT NULL,
    region    TEXT NOT NULL
);

CREATE TABLE code_list_items (
    list      TEXT NOT NULL,
    code      TEXT NOT NULL,
    label_nl  TEXT NOT NULL,
    label_en  TEXT NOT NULL,
    share_pct REAL,
    position  INTEGER NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    PRIMARY KEY (list, code)
);

CREATE TABLE organisations (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    org_type          TEXT NOT NULL CHECK (org_type IN ('cjg','provider','gi','veilig_thuis','rvdk','school','gp_practice','municipality')),
    agb_code          TEXT UNIQUE CHECK (agb_code IS NULL OR length(agb_code) = 8),
    municipality_code TEXT REFERENCES municipalities(code),
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK (org_type <> 'provider' OR agb_code IS NOT NULL),
    CHECK (org_type <> 'municipality' OR municipality_code IS NOT NULL)
);

CREATE TABLE teams (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    name            TEXT NOT NULL,
    team_type       TEXT NOT NULL CHECK (team_type IN ('local_team','treatment_team','other')),
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE team_municipalities (
    team_id           TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    PRIMARY KEY (team_id, municipality_code)
);

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('family_worker','reviewer','treatment_team_member','provider_staff','chain_partner','team_coordinator','policy_officer','administrator')),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    password_hash   TEXT NOT NULL,
    totp_secret     TEXT NOT NULL,
    totp_confirmed  INTEGER NOT NULL DEFAULT 0 CHECK (totp_confirmed IN (0, 1)),
    totp_last_step  INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    last_login_at   TEXT,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE team_members (
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);

-- Only the SHA-256 of a session token is stored; the token lives in the cookie.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    stage        TEXT NOT NULL CHECK (stage IN ('mfa','active')),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);

-- The head of the audit hash chain: one row, locked by every append so the chain is
-- strictly sequential on both backends.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_events (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    at             TEXT NOT NULL,
    event          TEXT NOT NULL,
    outcome        TEXT NOT NULL CHECK (outcome IN ('success','refused','failure')),
    user_id        TEXT,
    username       TEXT,
    role           TEXT,
    on_behalf_of   TEXT,
    organisation_id TEXT,
    client_ids     TEXT,
    object_type    TEXT,
    object_id      TEXT,
    action         TEXT NOT NULL CHECK (action IN ('create','read','update','delete','search','export','print','login','logout','mfa','refuse','execute')),
    address        TEXT,
    user_agent     TEXT,
    purpose        TEXT,
    break_glass    INTEGER NOT NULL DEFAULT 0 CHECK (break_glass IN (0, 1)),
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
CREATE INDEX audit_events_at ON audit_events(at);
CREATE INDEX audit_events_username_at ON audit_events(username, at);
CREATE INDEX audit_events_address_at ON audit_events(address, at);
CREATE INDEX audit_events_user_at ON audit_events(user_id, at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END;
