-- API tokens get an expiry (at most a year), a scope (read-only, the role's
-- capabilities, or the iJw message exchange only) and the time of their last use.
-- Tokens made before this have no expiry stored: they end 90 days after they were made.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'role' CHECK (scope IN ('read', 'role', 'ijw'));
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
