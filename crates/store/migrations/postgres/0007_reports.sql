-- Management information: budgets per municipality and year (the costs report compares
-- decided cost against them), and indexes that let every report read a period of one
-- municipality, or of all, from an index range.

CREATE TABLE budgets (
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    year              BIGINT NOT NULL CHECK (year BETWEEN 2000 AND 2999),
    amount_cents      BIGINT NOT NULL CHECK (amount_cents BETWEEN 0 AND 99999999999999),
    version           BIGINT NOT NULL DEFAULT 1,
    set_by            TEXT NOT NULL REFERENCES users(id),
    set_at            TEXT NOT NULL,
    PRIMARY KEY (municipality_code, year)
);

-- volumes, referral-channels, problem-areas, referral-flows.
CREATE INDEX registrations_municipality_on ON registrations(municipality_code, registered_on, referral_channel);
CREATE INDEX registration_problem_areas_primary ON registration_problem_areas(registration_id, is_primary, problem_area);
-- volumes (closed, in care) and caseload.
CREATE INDEX cases_municipality_closed ON cases(municipality_code, closed_on);
CREATE INDEX cases_municipality_registered ON cases(municipality_code, registered_on, closed_on);
-- access-funding and costs over all municipalities.
CREATE INDEX decisions_period ON decisions(last_day, start_day, municipality_code, youth_id, funding);
-- monitoring.
CREATE INDEX evaluations_due ON evaluations(due_on, decision_id);
-- treatment-team.
CREATE INDEX consultation_requests_requested ON consultation_requests(requested_on, municipality_code);
