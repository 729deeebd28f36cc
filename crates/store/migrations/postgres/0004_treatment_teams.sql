-- Local treatment teams: who is in a team (from which provider, with which discipline
-- and committed hours, for a period), consultation requests with consent, the
-- contra-indication screen, the team's work and outcome, hours, and yearly declarations.

CREATE TABLE treatment_memberships (
    id              TEXT PRIMARY KEY,
    team_id         TEXT NOT NULL REFERENCES teams(id),
    user_id         TEXT NOT NULL REFERENCES users(id),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    discipline      TEXT NOT NULL,
    expertise       TEXT NOT NULL DEFAULT '',
    committed_minutes_week BIGINT NOT NULL CHECK (committed_minutes_week BETWEEN 0 AND 3600),
    valid_from      TEXT NOT NULL,
    valid_to        TEXT,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX treatment_memberships_team ON treatment_memberships(team_id, valid_from);
CREATE INDEX treatment_memberships_user ON treatment_memberships(user_id);

CREATE TABLE consultation_requests (
    id                  TEXT PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    team_id             TEXT NOT NULL REFERENCES teams(id),
    case_id             TEXT REFERENCES cases(id),
    municipality_code   TEXT NOT NULL REFERENCES municipalities(code),
    referrer            TEXT NOT NULL CHECK (referrer IN ('cjg','gi','ggz_wachtlijst','overig')),
    referrer_name       TEXT NOT NULL DEFAULT '',
    requested_on        TEXT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('advice','consultation_treatment')),
    reason              TEXT NOT NULL CHECK (reason IN ('broad_analysis','specialised_considered','no_result','client_asks','long_in_care','spar')),
    -- The question in full, for the team only with the family's consent; without it the
    -- team sees the anonymised question.
    question            TEXT NOT NULL,
    anonymised_question TEXT NOT NULL,
    consent             BIGINT NOT NULL CHECK (consent IN (0, 1)),
    consent_by          TEXT,
    consent_on          TEXT,
    consent_scope       TEXT,
    status              TEXT NOT NULL CHECK (status IN ('requested','declined','picked_up','closed')),
    contra_indication   TEXT CHECK (contra_indication IS NULL OR contra_indication IN ('ernstige_depressie','psychose','complexe_dwangstoornis','medicatievraag','ernstige_verslaving','complexe_eetstoornis','persoonlijkheidsproblematiek','cultuurspecifiek')),
    decline_advice      TEXT,
    screened_on         TEXT,
    picked_up_on        TEXT,
    closed_on           TEXT,
    outcome             TEXT CHECK (outcome IS NULL OR outcome IN ('advice','consultation_treatment')),
    referred_on         BIGINT NOT NULL DEFAULT 0 CHECK (referred_on IN (0, 1)),
    referred_to         TEXT REFERENCES organisations(id),
    created_by          TEXT NOT NULL REFERENCES users(id),
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    CHECK (consent = 0 OR (consent_by IS NOT NULL AND consent_on IS NOT NULL AND consent_scope IS NOT NULL)),
    CHECK ((status = 'declined') = (contra_indication IS NOT NULL)),
    CHECK (status <> 'declined' OR decline_advice IS NOT NULL),
    CHECK ((status = 'closed') = (outcome IS NOT NULL AND closed_on IS NOT NULL)),
    CHECK (referred_on = 0 OR referred_to IS NOT NULL),
    CHECK (referrer <> 'cjg' OR case_id IS NOT NULL)
);
CREATE INDEX consultation_requests_team ON consultation_requests(team_id, status, requested_on);
CREATE INDEX consultation_requests_case ON consultation_requests(case_id);

-- The team's members assigned to a request.
CREATE TABLE consultation_members (
    request_id TEXT NOT NULL REFERENCES consultation_requests(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (request_id, user_id)
);

-- What the team did: advice, MDOs (attendees, notes shared with the case's
-- professionals), short treatment sessions (place).
CREATE TABLE consultation_activities (
    id         TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES consultation_requests(id),
    kind       TEXT NOT NULL CHECK (kind IN ('advice','mdo','psycho_education','system_conversation','diagnostics')),
    on_date    TEXT NOT NULL,
    place      TEXT CHECK (place IS NULL OR place IN ('home','office')),
    attendees  TEXT NOT NULL DEFAULT '',
    notes      TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX consultation_activities_request ON consultation_activities(request_id, on_date);

-- Hours per member, day and activity, against a request or not; approved by the team's
-- coordinator.
CREATE TABLE hours_entries (
    id              TEXT PRIMARY KEY,
    team_id         TEXT NOT NULL REFERENCES teams(id),
    user_id         TEXT NOT NULL REFERENCES users(id),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    on_date         TEXT NOT NULL,
    minutes         BIGINT NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    activity        TEXT NOT NULL CHECK (activity IN ('consultation','mdo','treatment','coordination','travel')),
    request_id      TEXT REFERENCES consultation_requests(id),
    note            TEXT NOT NULL DEFAULT '',
    approved_by     TEXT REFERENCES users(id),
    approved_at     TEXT,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    CHECK ((approved_by IS NULL) = (approved_at IS NULL))
);
CREATE INDEX hours_entries_user_day ON hours_entries(user_id, on_date);
CREATE INDEX hours_entries_team_day ON hours_entries(team_id, on_date);
CREATE INDEX hours_entries_organisation_day ON hours_entries(organisation_id, on_date);
