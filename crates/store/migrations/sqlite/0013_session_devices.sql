-- A user sees their active sessions (when, from which address and device) and ends any
-- of them: each session gets an id to name it by (never its token's hash) and the
-- address and user agent it was started from.
ALTER TABLE sessions ADD COLUMN id TEXT;
ALTER TABLE sessions ADD COLUMN address TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
CREATE UNIQUE INDEX sessions_id ON sessions (id);
