// SQLite schema, one entry per version. Applied in order at start-up; never edit a released
// entry, add a new one. A PostgreSQL backend keeps its own list with the same tables.
export interface Migration {
  version: number
  name: string
  sql: string
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE patrons (
  id INTEGER PRIMARY KEY,
  barcode TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  pin_hash TEXT,
  email TEXT NOT NULL DEFAULT '',
  tele1 TEXT NOT NULL DEFAULT '',
  mobile TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX patrons_name ON patrons (name COLLATE NOCASE);

CREATE TABLE sms_registrations (
  patron_id INTEGER PRIMARY KEY REFERENCES patrons (id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('not_opted_in', 'pending_optin', 'opted_in', 'rejected', 'pending_optout')),
  e164 TEXT,
  terms_hash TEXT,
  invited_at TEXT,
  status_changed_at TEXT NOT NULL
);
-- SPEC 4.2: one number, one patron, for the statuses that hold a number.
CREATE UNIQUE INDEX sms_registrations_active_e164 ON sms_registrations (e164)
  WHERE status IN ('pending_optin', 'opted_in');
CREATE INDEX sms_registrations_e164 ON sms_registrations (e164);
CREATE INDEX sms_registrations_pending ON sms_registrations (invited_at) WHERE status = 'pending_optin';

-- Consent evidence outlives the patron record, so no foreign key.
CREATE TABLE consent_events (
  id INTEGER PRIMARY KEY,
  patron_id INTEGER NOT NULL,
  barcode TEXT NOT NULL,
  e164 TEXT,
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('web', 'sms', 'staff', 'system')),
  reason TEXT NOT NULL,
  terms_hash TEXT,
  at TEXT NOT NULL,
  ip TEXT,
  user_agent TEXT,
  inbound_message_id TEXT,
  actor TEXT
);
CREATE INDEX consent_events_patron ON consent_events (patron_id, id);
CREATE INDEX consent_events_at ON consent_events (at);
CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
  BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
  BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  patron_id INTEGER,
  e164 TEXT NOT NULL,
  kind TEXT NOT NULL,
  alert_type TEXT,
  text TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  dedupe_key TEXT UNIQUE,
  gateway_message_id TEXT,
  error TEXT,
  delivery_error_code TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_ms) WHERE state = 'queued';
CREATE INDEX outbox_patron ON outbox (patron_id, id);
CREATE INDEX outbox_e164 ON outbox (e164) WHERE state = 'queued';
CREATE INDEX outbox_gateway_message ON outbox (gateway_message_id);

CREATE TABLE inbound_messages (
  message_id TEXT PRIMARY KEY,
  msisdn TEXT NOT NULL,
  to_number TEXT NOT NULL,
  text TEXT NOT NULL,
  keyword TEXT NOT NULL,
  received_at TEXT NOT NULL,
  outcome TEXT NOT NULL
);
CREATE INDEX inbound_messages_msisdn ON inbound_messages (msisdn, received_at);

CREATE TABLE delivery_receipts (
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL,
  client_ref TEXT,
  status TEXT NOT NULL,
  err_code TEXT,
  received_at TEXT NOT NULL,
  outcome TEXT NOT NULL,
  UNIQUE (message_id, status)
);

CREATE TABLE staff_users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);

CREATE TABLE sessions (
  sid TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  expires_ms INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_ms);
`,
  },
  {
    version: 2,
    name: 'inbound_parts',
    sql: `
-- The parts of a long inbound text, kept until every part is in (Vonage retries each part
-- for 24 h, so they may arrive in any order and more than once).
CREATE TABLE inbound_parts (
  message_id TEXT PRIMARY KEY,
  msisdn TEXT NOT NULL,
  to_number TEXT NOT NULL,
  concat_ref TEXT NOT NULL,
  concat_total INTEGER NOT NULL,
  concat_part INTEGER NOT NULL,
  text TEXT NOT NULL,
  received_at TEXT NOT NULL,
  stored_at TEXT NOT NULL,
  joined_message_id TEXT
);
CREATE INDEX inbound_parts_open ON inbound_parts (msisdn, concat_ref) WHERE joined_message_id IS NULL;
`,
  },
  {
    version: 3,
    name: 'staff_search',
    sql: `
-- Staff search by mobile number ignores punctuation and spacing: the repository keeps the
-- digits of the MOBILE PH field beside it. Rows from before this version are backfilled for
-- the usual punctuation here; anything more exotic is corrected on the record's next save.
ALTER TABLE patrons ADD COLUMN mobile_digits TEXT NOT NULL DEFAULT '';
UPDATE patrons SET mobile_digits =
  replace(replace(replace(replace(replace(replace(replace(replace(
    mobile, ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '+', ''), '/', ''), char(9), '')
  WHERE mobile <> '';
CREATE INDEX patrons_mobile_digits ON patrons (mobile_digits);
-- The consent history of a deleted record is found by its barcode (SPEC 4.9: kept for audit).
CREATE INDEX consent_events_barcode ON consent_events (barcode, id);
`,
  },
  {
    version: 4,
    name: 'outbox_in_flight',
    sql: `
-- /healthz counts the messages waiting or being sent; this keeps that off the sent archive.
CREATE INDEX outbox_in_flight ON outbox (state) WHERE state IN ('queued', 'sending');
`,
  },
  {
    version: 5,
    name: 'rate_limits',
    sql: `
-- Login attempt counters (SPEC 7), in RateLimiterSQLite's layout: key = limit name and key,
-- points = attempts counted in the window, expire = when the window ends (epoch ms).
CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  points INTEGER NOT NULL DEFAULT 0,
  expire INTEGER
);
CREATE INDEX rate_limits_expire ON rate_limits (expire);
`,
  },
  {
    version: 6,
    name: 'abuse_limits_and_access',
    sql: `
-- Limits on opt-in texts (issue 10, finding 3): how many invitations and confirmations went
-- to one number, and how many opt-ins one patron started on the web, in the last 24 hours.
CREATE INDEX outbox_optin_texts ON outbox (e164, created_at) WHERE kind IN ('invitation', 'confirmation');
CREATE INDEX consent_events_web_optins ON consent_events (patron_id, at) WHERE reason = 'web_opt_in';
-- A disabled staff account cannot log in (webpac staff disable); staff add enables it again.
ALTER TABLE staff_users ADD COLUMN disabled_at TEXT;
-- A revoked API key answers 401 (webpac apikey revoke); webpac apikey list shows the last use.
ALTER TABLE api_keys ADD COLUMN revoked_at TEXT;
ALTER TABLE api_keys ADD COLUMN last_used_at TEXT;
`,
  },
  {
    version: 7,
    name: 'express_sessions',
    sql: `
-- Sessions are express-session's again (issue 10): rows of the hand-made layer have another
-- shape, so they go, and everyone logs in once more. created_ms keeps the session's start for
-- its absolute lifetime; expires_ms is the sooner of that end and the idle timeout.
DROP TABLE sessions;
CREATE TABLE sessions (
  sid TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_ms);
`,
  },
  {
    version: 8,
    name: 'languages',
    sql: `
-- Spanish (SPEC 9). A patron's language is set when they opt in from a page in that language or
-- choose one while logged in; NULL means never chosen (pages then follow the browser, SMS go
-- out in English). Each consent event keeps the language of the texts and terms it is about,
-- and each queued SMS the language it is written in (an alert's as the ILS gave it).
ALTER TABLE patrons ADD COLUMN lang TEXT CHECK (lang IN ('en', 'es'));
ALTER TABLE consent_events ADD COLUMN lang TEXT CHECK (lang IN ('en', 'es'));
ALTER TABLE outbox ADD COLUMN lang TEXT CHECK (lang IN ('en', 'es'));
`,
  },
  {
    version: 9,
    name: 'simulator_messages',
    sql: `
-- The simulated phones' conversations (SMS_GATEWAY=simulator, issue 14): in the database, so they
-- survive a restart and every portal node shows the same ones. phone is the simulated phone's
-- number (the outbound text's to, the inbound's from); the newest 200 per phone are kept.
CREATE TABLE simulator_messages (
  id INTEGER PRIMARY KEY,
  phone TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  from_number TEXT NOT NULL,
  to_number TEXT NOT NULL,
  text TEXT NOT NULL,
  message_id TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX simulator_messages_phone ON simulator_messages (phone, id);
`,
  },
  {
    version: 10,
    name: 'config_saves',
    sql: `
-- Every save of a config file from the staff console (issue 14, SPEC 8): who, when, which file,
-- and the SHA-256 (hex) of the file's bytes before and after (old_sha256 NULL: there was no
-- file). staff_user is the name as it logged in, with no foreign key: the record outlives the
-- account. Append-only, like consent_events: it is an audit trail.
CREATE TABLE config_saves (
  id INTEGER PRIMARY KEY,
  file TEXT NOT NULL,
  staff_user TEXT NOT NULL,
  saved_at TEXT NOT NULL,
  old_sha256 TEXT CHECK (length(old_sha256) = 64),
  new_sha256 TEXT NOT NULL CHECK (length(new_sha256) = 64)
);
CREATE INDEX config_saves_file ON config_saves (file, id);
CREATE TRIGGER config_saves_no_update BEFORE UPDATE ON config_saves
  BEGIN SELECT RAISE(ABORT, 'config_saves is append-only'); END;
CREATE TRIGGER config_saves_no_delete BEFORE DELETE ON config_saves
  BEGIN SELECT RAISE(ABORT, 'config_saves is append-only'); END;
`,
  },
]
