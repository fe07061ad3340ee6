-- Core records: clinics, staff, sessions, patients, knees, assessments, cartilage lesions, outcome events,
-- and the append-only audit trail. Every clinical table carries clinic_id, and every reference between
-- clinical tables includes it, so a row can never point into another clinic.

CREATE TABLE clinics (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  time_zone TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)),
  created_at TEXT NOT NULL
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL
);

CREATE TABLE memberships (
  user_id INTEGER NOT NULL REFERENCES users (id),
  clinic_id INTEGER NOT NULL REFERENCES clinics (id),
  role TEXT NOT NULL CHECK (role IN ('admin', 'clinician', 'coordinator', 'researcher')),
  PRIMARY KEY (user_id, clinic_id)
);
CREATE INDEX memberships_by_clinic ON memberships (clinic_id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  clinic_id INTEGER NOT NULL REFERENCES clinics (id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE practitioners (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL REFERENCES clinics (id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  full_name TEXT NOT NULL,
  credentials TEXT,
  npi TEXT,
  active INTEGER CHECK (active IN (0, 1)),
  UNIQUE (clinic_id, id)
);

CREATE TABLE patients (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL REFERENCES clinics (id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  mrn TEXT NOT NULL,
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  sex TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
  email TEXT,
  phone TEXT,
  zip TEXT,
  UNIQUE (clinic_id, mrn),
  UNIQUE (clinic_id, id)
);
CREATE INDEX patients_by_family_name ON patients (clinic_id, family_name);

CREATE TABLE knees (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  patient_id INTEGER NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('left', 'right')),
  UNIQUE (clinic_id, patient_id, side),
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);

CREATE TABLE assessments (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  knee_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('baseline', 'follow_up')),
  assessed_on TEXT NOT NULL,
  kl_grade INTEGER CHECK (kl_grade BETWEEN 0 AND 4),
  kl_image_date TEXT,
  kl_reader TEXT,
  bmi REAL CHECK (bmi BETWEEN 10 AND 80),
  tegner_level INTEGER CHECK (tegner_level BETWEEN 0 AND 10),
  prior_knee_surgery INTEGER CHECK (prior_knee_surgery IN (0, 1)),
  prior_surgery_details TEXT,
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, knee_id) REFERENCES knees (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);
CREATE INDEX assessments_by_knee ON assessments (clinic_id, knee_id);
CREATE INDEX assessments_by_patient ON assessments (clinic_id, patient_id);

CREATE TABLE cartilage_lesions (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  assessment_id INTEGER NOT NULL,
  knee_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  site TEXT NOT NULL,
  icrs_grade TEXT NOT NULL CHECK (icrs_grade IN ('0', '1A', '1B', '2', '3A', '3B', '3C', '3D', '4')),
  area_cm2 REAL NOT NULL CHECK (area_cm2 > 0 AND area_cm2 <= 40),
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, assessment_id) REFERENCES assessments (clinic_id, id),
  FOREIGN KEY (clinic_id, knee_id) REFERENCES knees (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);
CREATE INDEX cartilage_lesions_by_assessment ON cartilage_lesions (clinic_id, assessment_id);
CREATE INDEX cartilage_lesions_by_patient ON cartilage_lesions (clinic_id, patient_id);

CREATE TABLE outcome_events (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  patient_id INTEGER NOT NULL,
  knee_id INTEGER,
  event_type TEXT NOT NULL
    CHECK (event_type IN ('total_knee_replacement', 'unicompartmental_knee_replacement', 'osteotomy', 'death')),
  event_date TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('patient_reported', 'records_confirmed')),
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
  FOREIGN KEY (clinic_id, knee_id) REFERENCES knees (clinic_id, id)
);
CREATE INDEX outcome_events_by_patient ON outcome_events (clinic_id, patient_id);
CREATE INDEX outcome_events_by_knee ON outcome_events (clinic_id, knee_id);

CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user_id INTEGER,
  username TEXT NOT NULL,
  role TEXT NOT NULL,
  clinic_id INTEGER,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id INTEGER,
  patient_id INTEGER,
  before_json TEXT NOT NULL,
  after_json TEXT NOT NULL,
  reason TEXT NOT NULL,
  request_id TEXT NOT NULL,
  ip TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_by_clinic ON audit (clinic_id, id);

-- The audit is append-only: the application can't change or remove a row, whatever SQL it runs.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
  SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
  SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
