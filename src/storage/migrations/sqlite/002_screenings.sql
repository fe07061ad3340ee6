-- Candidacy screenings and the versioned candidacy rules of each clinic. A screening keeps its input, its
-- tier and reasons, and the rules version it used, so an old result can always be explained.

CREATE TABLE candidacy_rules (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL REFERENCES clinics (id),
  version TEXT NOT NULL CHECK (length(version) BETWEEN 1 AND 64),
  rules_json TEXT NOT NULL,
  created_by INTEGER,
  created_at TEXT NOT NULL,
  UNIQUE (clinic_id, version)
);

CREATE TABLE screenings (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  screened_on TEXT NOT NULL,
  input_json TEXT NOT NULL,
  tier TEXT NOT NULL CHECK (tier IN ('favourable', 'possible', 'symptom_relief_only', 'not_a_candidate')),
  reasons_json TEXT NOT NULL,
  rules_version TEXT NOT NULL,
  created_by INTEGER,
  created_at TEXT NOT NULL,
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);
CREATE INDEX screenings_by_patient ON screenings (clinic_id, patient_id, id);
