-- Four eyes in administration: giving an account a role that reads client data, or
-- resetting an administrator's second factor, waits for another administrator's
-- approval where the installation has two or more. The request keeps its reason; the
-- decision who took it and when.
CREATE TABLE approvals (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('role', 'mfa_reset')),
    user_id      TEXT NOT NULL REFERENCES users(id),
    -- For `role`: the role to give, and whether the account is activated with it (a
    -- new account waits inactive).
    role         TEXT,
    activate     INTEGER NOT NULL DEFAULT 0 CHECK (activate IN (0, 1)),
    reason       TEXT NOT NULL,
    requested_by TEXT NOT NULL REFERENCES users(id),
    requested_at TEXT NOT NULL,
    decided_by   TEXT REFERENCES users(id),
    decided_at   TEXT,
    approved     INTEGER CHECK (approved IN (0, 1))
);
CREATE INDEX approvals_open ON approvals (decided_at);
