-- Import of historical data from spreadsheets (`eenplan import registrations|consultations`).
-- Imported registrations become ordinary families, youths, cases and registrations,
-- marked so that importing the same file again changes nothing and reports can tell
-- them apart. Imported treatment-team consultations get a table of their own: a live
-- consultation request from the CJG needs a case, which history does not have.

-- registrations.external_id: the id of the imported row (unique; importing skips the
-- ids already there). An imported registration has no author account, so created_by
-- may be empty for it alone.
ALTER TABLE registrations ADD COLUMN external_id TEXT;
ALTER TABLE registrations ALTER COLUMN created_by DROP NOT NULL;
ALTER TABLE registrations ADD CONSTRAINT registrations_author
    CHECK (created_by IS NOT NULL OR external_id IS NOT NULL);
CREATE UNIQUE INDEX registrations_external_id ON registrations(external_id);

-- cases.imported: the case came from an import. History may hold several open cases of
-- one family (one per youth), so the rule "one open case per family" holds for the
-- cases made in eenplan only.
ALTER TABLE cases ADD COLUMN imported BIGINT NOT NULL DEFAULT 0 CHECK (imported IN (0, 1));
DROP INDEX cases_one_open_per_family;
CREATE UNIQUE INDEX cases_one_open_per_family ON cases(family_id)
    WHERE status <> 'afgesloten' AND imported = 0;

-- families.import_ref: the family_ref of the imported rows that made the family, so
-- rows of a later file with the same family_ref join it.
ALTER TABLE families ADD COLUMN import_ref TEXT;
CREATE UNIQUE INDEX families_import_ref ON families(import_ref);

-- Consultations of the local treatment teams before eenplan: the figures of the pilot's
-- evaluation table (referrer, advice or consultation/treatment, referred on), no
-- client data.
CREATE TABLE imported_consultations (
    external_id       TEXT PRIMARY KEY,
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    requested_on      TEXT NOT NULL,
    referrer          TEXT NOT NULL CHECK (referrer IN ('cjg','gi','ggz_wachtlijst','overig')),
    kind              TEXT NOT NULL CHECK (kind IN ('advice','consultation_treatment')),
    referred_on       BIGINT NOT NULL CHECK (referred_on IN (0, 1)),
    imported_at       TEXT NOT NULL
);
CREATE INDEX imported_consultations_on ON imported_consultations(requested_on);
