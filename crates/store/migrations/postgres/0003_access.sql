-- Result-oriented access to specialised care: the product catalogue with dated prices
-- and provider contracts, access requests (support plan parts 1 and 2, four-eyes
-- review), decisions (beschikkingen) with their versions, and monitoring (evaluation
-- schedule, evaluations, time spent, the daily job's notifications).
-- Money is in cents (iJw LDT_Bedrag); dates are 'YYYY-MM-DD'. Decisions also keep their
-- first and last day as day numbers (days since 1970-01-01), so period overlaps are
-- plain integer arithmetic on both backends.

-- Products (profiles) of the catalogue. Every change raises the version and leaves the
-- earlier state in catalogue_history.
CREATE TABLE products (
    id         TEXT PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 5),
    category   TEXT NOT NULL CHECK (length(category) = 2),
    name       TEXT NOT NULL,
    unit       TEXT NOT NULL CHECK (unit IN ('01','04','14','16','82','83','84')),
    frequency  TEXT NOT NULL CHECK (frequency IN ('1','2','4','6')),
    active     BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    version    BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Price per unit from a date on; the latest start on or before a date is the price.
CREATE TABLE product_prices (
    product_id  TEXT NOT NULL REFERENCES products(id),
    valid_from  TEXT NOT NULL,
    price_cents BIGINT NOT NULL CHECK (price_cents BETWEEN 0 AND 99999999),
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (product_id, valid_from)
);

-- Which provider may deliver which product, in which period (valid_to included).
CREATE TABLE provider_contracts (
    id          TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL REFERENCES organisations(id),
    product_id  TEXT NOT NULL REFERENCES products(id),
    valid_from  TEXT NOT NULL,
    valid_to    TEXT,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX provider_contracts_provider ON provider_contracts(provider_id, product_id);

-- Every earlier state of a product or contract, as JSON.
CREATE TABLE catalogue_history (
    object_type TEXT NOT NULL CHECK (object_type IN ('product','contract')),
    object_id   TEXT NOT NULL,
    version     BIGINT NOT NULL,
    snapshot    TEXT NOT NULL,
    changed_by  TEXT NOT NULL REFERENCES users(id),
    changed_at  TEXT NOT NULL,
    PRIMARY KEY (object_type, object_id, version)
);

-- The regional configuration of who records support plan part 2, by date.
CREATE TABLE access_variants (
    valid_from TEXT PRIMARY KEY,
    variant    TEXT NOT NULL CHECK (variant IN ('2018','2020')),
    set_by     TEXT REFERENCES users(id),
    set_at     TEXT NOT NULL
);

-- A request for specialised care for one youth on a case.
CREATE TABLE access_requests (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases(id),
    youth_id         TEXT NOT NULL REFERENCES persons(id),
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    variant          TEXT NOT NULL CHECK (variant IN ('2018','2020')),
    status           TEXT NOT NULL CHECK (status IN ('draft','awaiting_provider','in_review','sent_back','decided','withdrawn')),
    referrer_type    TEXT NOT NULL DEFAULT 'cjg' CHECK (referrer_type IN ('cjg','02','03','04','05')),
    referrer_code    TEXT,
    -- Part 1: why, the weight of care, the funding.
    reason           TEXT NOT NULL,
    product_id       TEXT NOT NULL REFERENCES products(id),
    funding          TEXT NOT NULL CHECK (funding IN ('zin','pgb')),
    provider_id      TEXT REFERENCES organisations(id),
    -- Part 2: the effort (or the budget of a PGB).
    volume           BIGINT CHECK (volume IS NULL OR volume BETWEEN 1 AND 99999999),
    unit             TEXT CHECK (unit IS NULL OR unit IN ('01','04','14','16','82','83','84')),
    frequency        TEXT CHECK (frequency IS NULL OR frequency IN ('1','2','4','6')),
    start_on         TEXT,
    end_on           TEXT,
    pgb_cents        BIGINT CHECK (pgb_cents IS NULL OR pgb_cents BETWEEN 1 AND 99999999),
    intake_on        TEXT,
    effort_by        TEXT REFERENCES users(id),
    effort_at        TEXT,
    author_id        TEXT NOT NULL REFERENCES users(id),
    submitted_at     TEXT,
    reviewer_id      TEXT REFERENCES users(id),
    reviewed_at      TEXT,
    review_comment   TEXT,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK ((funding = 'pgb') = (provider_id IS NULL)),
    CHECK (funding = 'zin' OR pgb_cents IS NOT NULL OR status IN ('draft','sent_back','withdrawn')),
    CHECK (volume IS NULL OR unit IS NOT NULL),
    CHECK (end_on IS NULL OR start_on IS NULL OR end_on >= start_on),
    CHECK ((referrer_type = 'cjg') = (referrer_code IS NULL))
);
CREATE INDEX access_requests_case ON access_requests(case_id);
CREATE INDEX access_requests_provider ON access_requests(provider_id, status);
CREATE INDEX access_requests_status ON access_requests(status);

-- The results to reach, each linked to a goal of the family plan where there is one.
CREATE TABLE access_request_results (
    id         TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES access_requests(id),
    position   BIGINT NOT NULL,
    text       TEXT NOT NULL,
    goal_id    TEXT,
    UNIQUE (request_id, position)
);

-- Everyone who wrote part of a request or submitted it: none of them may approve it.
CREATE TABLE access_request_writers (
    request_id TEXT NOT NULL REFERENCES access_requests(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (request_id, user_id)
);

-- Every review: approved or sent back with a comment.
CREATE TABLE access_reviews (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES access_requests(id),
    reviewer_id TEXT NOT NULL REFERENCES users(id),
    outcome     TEXT NOT NULL CHECK (outcome IN ('approved','sent_back')),
    comment     TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    CHECK (outcome = 'approved' OR comment <> '')
);
CREATE INDEX access_reviews_request ON access_reviews(request_id);

-- The decision (beschikking). The row holds the current version; decision_versions
-- every version as issued. The unit price is the price valid on the start date and
-- never changes with later prices.
CREATE TABLE decisions (
    id                TEXT PRIMARY KEY,
    number            TEXT NOT NULL,
    request_id        TEXT NOT NULL UNIQUE REFERENCES access_requests(id),
    case_id           TEXT NOT NULL REFERENCES cases(id),
    youth_id          TEXT NOT NULL REFERENCES persons(id),
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    product_id        TEXT NOT NULL REFERENCES products(id),
    funding           TEXT NOT NULL CHECK (funding IN ('zin','pgb')),
    provider_id       TEXT REFERENCES organisations(id),
    volume            BIGINT CHECK (volume IS NULL OR volume BETWEEN 1 AND 99999999),
    unit              TEXT CHECK (unit IS NULL OR unit IN ('01','04','14','16','82','83','84')),
    frequency         TEXT CHECK (frequency IS NULL OR frequency IN ('1','2','4','6')),
    pgb_cents         BIGINT,
    start_on          TEXT NOT NULL,
    end_on            TEXT NOT NULL,
    ended_on          TEXT,
    end_reason        TEXT,
    start_day         BIGINT NOT NULL,
    last_day          BIGINT NOT NULL,
    unit_price_cents  BIGINT,
    units_x100        BIGINT NOT NULL DEFAULT 0,
    -- A change takes effect from a date: the effort before it is costed as it was
    -- (prior_*), the current effort from segment_start (NULL: from the start).
    segment_start     TEXT,
    prior_cents       BIGINT NOT NULL DEFAULT 0,
    prior_units_x100  BIGINT NOT NULL DEFAULT 0,
    estimated_cents   BIGINT NOT NULL CHECK (estimated_cents >= 0),
    actual_start_on   TEXT,
    actual_end_on     TEXT,
    decided_by        TEXT NOT NULL REFERENCES users(id),
    decided_on        TEXT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (municipality_code, number),
    CHECK ((funding = 'pgb') = (provider_id IS NULL)),
    CHECK (funding = 'zin' OR pgb_cents IS NOT NULL),
    CHECK (funding = 'pgb' OR (volume IS NOT NULL AND unit IS NOT NULL AND frequency IS NOT NULL AND unit_price_cents IS NOT NULL)),
    CHECK (end_on >= start_on),
    CHECK (last_day >= start_day),
    CHECK ((ended_on IS NULL) = (end_reason IS NULL))
);
CREATE INDEX decisions_case ON decisions(case_id);
CREATE INDEX decisions_provider ON decisions(provider_id, last_day);
-- The cost page: decisions of a municipality overlapping a period, read from the index
-- alone (last_day first: the period's first day bounds it).
CREATE INDEX decisions_municipality_period ON decisions(municipality_code, last_day, start_day,
    product_id, funding, provider_id, youth_id, units_x100, estimated_cents);

CREATE TABLE decision_versions (
    decision_id TEXT NOT NULL REFERENCES decisions(id),
    version     BIGINT NOT NULL,
    snapshot    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    changed_by  TEXT NOT NULL REFERENCES users(id),
    changed_at  TEXT NOT NULL,
    PRIMARY KEY (decision_id, version)
);

-- The evaluation schedule of a decision and, once held, the evaluation itself.
CREATE TABLE evaluations (
    id           TEXT PRIMARY KEY,
    decision_id  TEXT NOT NULL REFERENCES decisions(id),
    -- The team holding the case (which never changes): the team's work list is one
    -- index search instead of a walk through the region's open evaluations.
    team_id      TEXT NOT NULL REFERENCES teams(id),
    kind         TEXT NOT NULL CHECK (kind IN ('interim','end')),
    due_on       TEXT NOT NULL,
    done_on      TEXT,
    family_view  TEXT,
    outcome      TEXT CHECK (outcome IS NULL OR outcome IN ('continue','scale_down','scale_up','end')),
    done_by      TEXT REFERENCES users(id),
    version      BIGINT NOT NULL DEFAULT 1,
    CHECK ((done_on IS NULL) = (outcome IS NULL))
);
CREATE INDEX evaluations_decision ON evaluations(decision_id, due_on);
CREATE INDEX evaluations_open_due ON evaluations(done_on, due_on);
CREATE INDEX evaluations_team_due ON evaluations(team_id, done_on, due_on);

CREATE TABLE evaluation_results (
    evaluation_id TEXT NOT NULL REFERENCES evaluations(id),
    result_id     TEXT NOT NULL REFERENCES access_request_results(id),
    score         TEXT NOT NULL CHECK (score IN ('reached','partly','not_reached')),
    PRIMARY KEY (evaluation_id, result_id)
);

-- Time spent on monitoring a decision (the region asks whether monitoring pays off).
CREATE TABLE monitoring_time (
    id          TEXT PRIMARY KEY,
    decision_id TEXT NOT NULL REFERENCES decisions(id),
    user_id     TEXT NOT NULL REFERENCES users(id),
    on_date     TEXT NOT NULL,
    minutes     BIGINT NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX monitoring_time_decision ON monitoring_time(decision_id);

-- Per user, the evaluations that are due within 14 days or overdue, kept by the daily
-- monitoring job.
CREATE TABLE notifications (
    user_id       TEXT NOT NULL REFERENCES users(id),
    evaluation_id TEXT NOT NULL REFERENCES evaluations(id),
    state         TEXT NOT NULL CHECK (state IN ('due_soon','overdue')),
    due_on        TEXT NOT NULL,
    updated_on    TEXT NOT NULL,
    PRIMARY KEY (user_id, evaluation_id)
);

-- Runs of daily jobs: a day's run is done once; an unfinished run is simply run again.
CREATE TABLE job_runs (
    name        TEXT NOT NULL,
    day         TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (name, day)
);

-- The caseload looks up plans coordinated by a professional.
CREATE INDEX family_plans_coordinator ON family_plans(coordinator_user_id);
