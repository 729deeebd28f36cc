-- Idempotency keys of the API's create requests: the first answer to a request with an
-- `Idempotency-Key` header, per user and key, so a client that retries after a lost
-- response gets that answer again instead of creating a second record. `status` is NULL
-- while the first request is still being handled. Kept 24 hours.

CREATE TABLE idempotency_keys (
    user_id      TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    -- SHA-256 of method, path and body: the same key with another request is refused.
    fingerprint  TEXT NOT NULL CHECK (length(fingerprint) = 64),
    status       BIGINT,
    content_type TEXT,
    body         TEXT,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
