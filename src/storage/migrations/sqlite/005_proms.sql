-- Patient-reported outcomes: the clinic's follow-up settings (versions), the follow-up schedule of each
-- course, responses and their scores, and survey links.
-- Value lists are written as OR chains: SQLite builds a temporary table for every IN (...) it checks
-- on insert, which made bulk loads several times slower.

CREATE TABLE prom_settings (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL REFERENCES clinics (id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  label TEXT NOT NULL,
  settings TEXT NOT NULL,
  UNIQUE (clinic_id, id)
);

CREATE TABLE followups (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  course_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  knee_id INTEGER NOT NULL,
  timepoint TEXT NOT NULL,
  anchor_session INTEGER NOT NULL CHECK (anchor_session BETWEEN 1 AND 12),
  anchor_date TEXT NOT NULL,
  due_on TEXT NOT NULL,
  window_opens TEXT NOT NULL,
  window_closes TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status = 'scheduled' OR status = 'completed' OR status = 'withdrawn' OR status = 'cancelled'),
  completed_at TEXT,
  UNIQUE (clinic_id, id),
  UNIQUE (clinic_id, course_id, timepoint),
  FOREIGN KEY (clinic_id, course_id) REFERENCES treatment_courses (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
  FOREIGN KEY (clinic_id, knee_id) REFERENCES knees (clinic_id, id)
);
CREATE INDEX followups_by_patient_id ON followups (clinic_id, patient_id);
CREATE INDEX followups_by_status_window_opens ON followups (clinic_id, status, window_opens);

CREATE TABLE prom_responses (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  followup_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  instrument TEXT NOT NULL,
  instrument_version TEXT NOT NULL,
  answers_json TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status = 'draft' OR status = 'submitted'),
  entered_by TEXT NOT NULL CHECK (entered_by = 'patient' OR entered_by = 'staff'),
  entered_by_user INTEGER,
  submitted_at TEXT,
  UNIQUE (clinic_id, id),
  UNIQUE (clinic_id, followup_id, instrument),
  FOREIGN KEY (clinic_id, followup_id) REFERENCES followups (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);
CREATE INDEX prom_responses_by_patient_id ON prom_responses (clinic_id, patient_id);

CREATE TABLE prom_scores (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  response_id INTEGER NOT NULL,
  followup_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  instrument TEXT NOT NULL,
  instrument_version TEXT NOT NULL,
  rule TEXT NOT NULL,
  scale TEXT NOT NULL,
  score REAL,
  UNIQUE (clinic_id, id),
  UNIQUE (clinic_id, response_id, instrument, scale),
  FOREIGN KEY (clinic_id, response_id) REFERENCES prom_responses (clinic_id, id),
  FOREIGN KEY (clinic_id, followup_id) REFERENCES followups (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);
CREATE INDEX prom_scores_by_followup_id ON prom_scores (clinic_id, followup_id);
CREATE INDEX prom_scores_by_patient_id ON prom_scores (clinic_id, patient_id);

CREATE TABLE survey_invitations (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  followup_id INTEGER NOT NULL,
  token_hash TEXT NOT NULL CHECK (length(token_hash) = 64),
  expires_at TEXT NOT NULL,
  first_opened_at TEXT,
  submitted_at TEXT,
  revoked_at TEXT,
  created_by INTEGER,
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, followup_id) REFERENCES followups (clinic_id, id)
);
CREATE INDEX survey_invitations_by_followup_id ON survey_invitations (clinic_id, followup_id);
-- A token hash finds its invitation without knowing the clinic (the patient's link carries nothing else).
CREATE UNIQUE INDEX survey_invitations_by_token ON survey_invitations (token_hash);
