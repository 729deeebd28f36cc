-- iJw 3.2 message traffic between the municipalities and their in-kind providers.

-- Every message as sent or received, byte for byte. A received message that was refused
-- is kept too, with the reason and the retour codes it got; only accepted and outgoing
-- messages claim their identification (unique per type per sender, TR056).
CREATE TABLE ijw_messages (
    id                TEXT PRIMARY KEY,
    direction         TEXT NOT NULL CHECK (direction IN ('in','out')),
    message_type      TEXT NOT NULL,
    sender            TEXT NOT NULL,
    receiver          TEXT NOT NULL,
    identification    TEXT NOT NULL,
    dated_on          TEXT,
    bsn               TEXT,
    youth_id          TEXT REFERENCES persons(id),
    provider_id       TEXT REFERENCES organisations(id),
    municipality_code TEXT REFERENCES municipalities(code),
    -- in: accepted or rejected; out: queued (in the outbox) or sent (fetched/written).
    status            TEXT NOT NULL CHECK (status IN ('accepted','rejected','queued','sent')),
    retour_codes      TEXT NOT NULL DEFAULT '',
    reason            TEXT NOT NULL DEFAULT '',
    answer_to         TEXT REFERENCES ijw_messages(id),
    xml               TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    CHECK ((direction = 'in') = (status IN ('accepted','rejected')))
);
CREATE UNIQUE INDEX ijw_messages_identification
    ON ijw_messages(direction, message_type, sender, identification) WHERE status <> 'rejected';
CREATE INDEX ijw_messages_bsn ON ijw_messages(bsn, created_at);
CREATE INDEX ijw_messages_provider ON ijw_messages(provider_id, created_at);
CREATE INDEX ijw_messages_municipality ON ijw_messages(municipality_code, created_at);
CREATE INDEX ijw_messages_outbox ON ijw_messages(direction, status, created_at);
-- The duplicate check (TR056) of every received message.
CREATE INDEX ijw_messages_sender ON ijw_messages(sender, message_type, identification);

-- A provider's request for an assignment (JW315), one row per requested product, on the
-- CJG's work list until a decision (JW301) or an answer (JW319) settles it.
CREATE TABLE ijw_requests (
    id                TEXT PRIMARY KEY,
    message_id        TEXT NOT NULL REFERENCES ijw_messages(id),
    position          BIGINT NOT NULL,
    provider_id       TEXT NOT NULL REFERENCES organisations(id),
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    bsn               TEXT NOT NULL,
    youth_id          TEXT REFERENCES persons(id),
    case_id           TEXT REFERENCES cases(id),
    reference         TEXT NOT NULL,
    product_category  TEXT NOT NULL,
    product_code      TEXT,
    start_on          TEXT NOT NULL,
    end_on            TEXT,
    volume            BIGINT,
    unit              TEXT,
    frequency         TEXT,
    budget_cents      BIGINT,
    referrer_type     TEXT,
    referrer_code     TEXT,
    comment           TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL CHECK (status IN ('open','investigating','rejected','assigned')),
    access_request_id TEXT REFERENCES access_requests(id),
    answer_id         TEXT REFERENCES ijw_messages(id),
    created_at        TEXT NOT NULL,
    UNIQUE (message_id, position)
);
CREATE INDEX ijw_requests_status ON ijw_requests(municipality_code, status);
CREATE INDEX ijw_requests_reference ON ijw_requests(provider_id, reference);
CREATE INDEX ijw_requests_client ON ijw_requests(provider_id, bsn, status);
CREATE INDEX ijw_requests_access ON ijw_requests(access_request_id);

-- The assignment (toewijzing) of an in-kind decision: its number in iJw, unique per
-- municipality, kept through every change of the decision.
CREATE TABLE ijw_assignments (
    decision_id       TEXT PRIMARY KEY REFERENCES decisions(id),
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    number            BIGINT NOT NULL CHECK (number BETWEEN 1 AND 999999999),
    provider_id       TEXT NOT NULL REFERENCES organisations(id),
    youth_id          TEXT NOT NULL REFERENCES persons(id),
    reference         TEXT,
    -- The date and time of the latest JW301 that carried it, and the reason of its latest
    -- change (JZ002), both repeated in every later JW301 until it changes again.
    assigned_at       TEXT NOT NULL,
    change_reason     TEXT,
    UNIQUE (municipality_code, number)
);
-- A JW301 carries all of a youth's assignments at the provider.
CREATE INDEX ijw_assignments_youth ON ijw_assignments(youth_id, provider_id, municipality_code);

-- Care delivered under an assignment: the start (JW305) and, once reported, the stop
-- (JW307). The key is the assignment with the start date.
CREATE TABLE ijw_deliveries (
    id               TEXT PRIMARY KEY,
    decision_id      TEXT NOT NULL REFERENCES decisions(id),
    begin_on         TEXT NOT NULL,
    end_on           TEXT,
    end_reason       TEXT,
    start_message_id TEXT NOT NULL REFERENCES ijw_messages(id),
    stop_message_id  TEXT REFERENCES ijw_messages(id),
    UNIQUE (decision_id, begin_on),
    CHECK (end_on IS NULL OR end_on >= begin_on),
    CHECK ((end_on IS NULL) = (end_reason IS NULL))
);

-- Declared care (JW323), one row per performance record, with the answer it got (JW325).
CREATE TABLE ijw_claims (
    id           TEXT PRIMARY KEY,
    message_id   TEXT NOT NULL REFERENCES ijw_messages(id),
    position     BIGINT NOT NULL,
    decision_id  TEXT REFERENCES decisions(id),
    reference    TEXT NOT NULL,
    begin_on     TEXT NOT NULL,
    end_on       TEXT NOT NULL,
    volume       BIGINT NOT NULL,
    unit         TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    credit       BIGINT NOT NULL CHECK (credit IN (0, 1)),
    accepted     BIGINT NOT NULL CHECK (accepted IN (0, 1)),
    retour_code  TEXT NOT NULL,
    UNIQUE (message_id, position)
);
CREATE INDEX ijw_claims_decision ON ijw_claims(decision_id, accepted);
-- A performance's reference is declared once (TR314, TR390).
CREATE INDEX ijw_claims_reference ON ijw_claims(reference);
-- The reconciliation of a youth.
CREATE INDEX decisions_youth ON decisions(youth_id);

-- What a received message was refused for, per record: the retour code the provider got
-- and the assignment it named, so the reconciliation can name every mismatch.
CREATE TABLE ijw_refusals (
    message_id    TEXT NOT NULL REFERENCES ijw_messages(id),
    position      BIGINT NOT NULL,
    level         TEXT NOT NULL CHECK (level IN ('header','client','product')),
    retour_code   TEXT NOT NULL,
    rule          TEXT NOT NULL,
    detail        TEXT NOT NULL,
    bsn           TEXT,
    assignment_number BIGINT,
    decision_id   TEXT REFERENCES decisions(id)
);
CREATE INDEX ijw_refusals_message ON ijw_refusals(message_id);
CREATE INDEX ijw_refusals_decision ON ijw_refusals(decision_id);
CREATE INDEX ijw_refusals_bsn ON ijw_refusals(bsn);

-- The day the region began exchanging iJw messages through eenplan: decisions taken
-- before it were assigned through the earlier administration, so the reconciliation does
-- not count them as unassigned.
INSERT INTO settings (key, value) VALUES ('ijw_since', CAST(CURRENT_DATE AS TEXT));
