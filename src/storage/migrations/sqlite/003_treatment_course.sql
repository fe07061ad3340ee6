-- The treatment course: clinic catalogue and price-list versions, protocol templates, courses with their
-- plans, quotes, invoices and append-only payments, consent templates, signed consents and withdrawals,
-- sessions with the biologic's traceability, injections, and adverse events. As in 001, every reference
-- between clinical tables includes clinic_id.
-- Value lists are written as OR chains: SQLite builds a temporary table for every IN (...) it checks
-- on insert, which made bulk loads several times slower.

CREATE TABLE catalogues (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL REFERENCES clinics (id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  label TEXT NOT NULL,
  catalogue TEXT NOT NULL,
  UNIQUE (clinic_id, id)
);

CREATE TABLE price_lists (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL REFERENCES clinics (id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  prices TEXT NOT NULL,
  UNIQUE (clinic_id, id)
);

CREATE TABLE protocol_templates (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL REFERENCES clinics (id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL,
  plan_request TEXT NOT NULL,
  active INTEGER CHECK (active = 0 OR active = 1),
  UNIQUE (clinic_id, id),
  UNIQUE (clinic_id, name)
);

CREATE TABLE treatment_courses (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  knee_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  template_id INTEGER,
  plan_request TEXT NOT NULL,
  first_session TEXT NOT NULL,
  practitioner_id INTEGER,
  status TEXT NOT NULL CHECK (status = 'planned' OR status = 'in_progress' OR status = 'completed' OR status = 'cancelled'),
  notes TEXT,
  catalogue_id INTEGER,
  plan TEXT NOT NULL,
  plan_changes TEXT NOT NULL,
  product TEXT NOT NULL,
  sessions_planned INTEGER NOT NULL CHECK (sessions_planned BETWEEN 0 AND 12),
  ligament_sites INTEGER NOT NULL CHECK (ligament_sites = 0 OR ligament_sites = 1),
  start_date TEXT NOT NULL,
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, knee_id) REFERENCES knees (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
  FOREIGN KEY (clinic_id, template_id) REFERENCES protocol_templates (clinic_id, id),
  FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioners (clinic_id, id),
  FOREIGN KEY (clinic_id, catalogue_id) REFERENCES catalogues (clinic_id, id)
);
CREATE INDEX treatment_courses_by_knee_id ON treatment_courses (clinic_id, knee_id);
CREATE INDEX treatment_courses_by_patient_id ON treatment_courses (clinic_id, patient_id);
CREATE INDEX treatment_courses_by_product ON treatment_courses (clinic_id, product);

CREATE TABLE quotes (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  course_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  valid_days INTEGER NOT NULL CHECK (valid_days BETWEEN 1 AND 365),
  price_list_id INTEGER NOT NULL,
  quote TEXT NOT NULL,
  total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
  currency TEXT NOT NULL,
  issued_on TEXT NOT NULL,
  valid_until TEXT NOT NULL,
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, course_id) REFERENCES treatment_courses (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
  FOREIGN KEY (clinic_id, price_list_id) REFERENCES price_lists (clinic_id, id)
);
CREATE INDEX quotes_by_course_id ON quotes (clinic_id, course_id);

CREATE TABLE invoices (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  quote_id INTEGER NOT NULL,
  course_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status = 'open' OR status = 'cancelled'),
  cancel_reason TEXT,
  total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
  currency TEXT NOT NULL,
  issued_on TEXT NOT NULL,
  UNIQUE (clinic_id, id),
  UNIQUE (clinic_id, quote_id),
  FOREIGN KEY (clinic_id, quote_id) REFERENCES quotes (clinic_id, id),
  FOREIGN KEY (clinic_id, course_id) REFERENCES treatment_courses (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);
CREATE INDEX invoices_by_course_id ON invoices (clinic_id, course_id);

CREATE TABLE payments (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  invoice_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind = 'payment' OR kind = 'refund'),
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  method TEXT NOT NULL CHECK (method = 'card' OR method = 'cash' OR method = 'bank_transfer' OR method = 'check' OR method = 'financing' OR method = 'other'),
  paid_on TEXT NOT NULL,
  reference TEXT,
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, invoice_id) REFERENCES invoices (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);
CREATE INDEX payments_by_invoice_id ON payments (clinic_id, invoice_id);

CREATE TABLE consent_templates (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL REFERENCES clinics (id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL,
  regulatory_status TEXT NOT NULL,
  risks TEXT NOT NULL,
  results_statement TEXT NOT NULL,
  additional_text TEXT,
  active INTEGER CHECK (active = 0 OR active = 1),
  UNIQUE (clinic_id, id)
);

CREATE TABLE consents (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  course_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  template_id INTEGER NOT NULL,
  signer_name TEXT NOT NULL,
  meaning TEXT NOT NULL CHECK (meaning = 'patient_consents_to_treatment' OR meaning = 'representative_consents_for_patient'),
  signer_relationship TEXT,
  template_version INTEGER NOT NULL CHECK (template_version >= 1),
  quote_id INTEGER NOT NULL,
  snapshot TEXT NOT NULL,
  snapshot_sha256 TEXT NOT NULL CHECK (length(snapshot_sha256) = 64),
  signed_at TEXT NOT NULL,
  signed_on TEXT NOT NULL,
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, course_id) REFERENCES treatment_courses (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
  FOREIGN KEY (clinic_id, template_id) REFERENCES consent_templates (clinic_id, id),
  FOREIGN KEY (clinic_id, quote_id) REFERENCES quotes (clinic_id, id)
);
CREATE INDEX consents_by_course_id ON consents (clinic_id, course_id);

CREATE TABLE consent_withdrawals (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  consent_id INTEGER NOT NULL,
  course_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  reason TEXT,
  withdrawn_at TEXT NOT NULL,
  withdrawn_on TEXT NOT NULL,
  UNIQUE (clinic_id, id),
  UNIQUE (clinic_id, consent_id),
  FOREIGN KEY (clinic_id, consent_id) REFERENCES consents (clinic_id, id),
  FOREIGN KEY (clinic_id, course_id) REFERENCES treatment_courses (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);

CREATE TABLE treatment_sessions (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  course_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  knee_id INTEGER NOT NULL,
  session_number INTEGER CHECK (session_number BETWEEN 1 AND 12),
  performed_on TEXT NOT NULL,
  practitioner_id INTEGER NOT NULL,
  product TEXT NOT NULL,
  donor_type TEXT CHECK (donor_type = 'autologous' OR donor_type = 'allogeneic'),
  donor_id TEXT,
  source_bank TEXT,
  harvest_tissue TEXT CHECK (harvest_tissue = 'iliac_crest_marrow' OR harvest_tissue = 'lipoaspirate' OR harvest_tissue = 'none'),
  harvest_site TEXT CHECK (harvest_site = 'posterior_iliac_crest' OR harvest_site = 'anterior_iliac_crest' OR harvest_site = 'abdomen' OR harvest_site = 'flank' OR harvest_site = 'thigh' OR harvest_site = 'other'),
  harvest_side TEXT CHECK (harvest_side = 'left' OR harvest_side = 'right' OR harvest_side = 'bilateral'),
  harvest_volume_ml REAL CHECK (harvest_volume_ml BETWEEN 0 AND 500),
  harvest_technique TEXT,
  harvest_anaesthesia TEXT,
  anticoagulant TEXT,
  processing_device TEXT,
  processing_kit_lot TEXT,
  processing_method TEXT CHECK (processing_method = 'centrifugation' OR processing_method = 'filtration' OR processing_method = 'enzymatic_digestion' OR processing_method = 'mechanical_fragmentation' OR processing_method = 'none'),
  culture_expanded INTEGER CHECK (culture_expanded = 0 OR culture_expanded = 1),
  passages INTEGER CHECK (passages BETWEEN 0 AND 20),
  preservation TEXT CHECK (preservation = 'fresh' OR preservation = 'cryopreserved'),
  additives TEXT,
  product_lot TEXT NOT NULL,
  total_nucleated_cells REAL CHECK (total_nucleated_cells >= 0),
  cfu_f_per_ml REAL CHECK (cfu_f_per_ml >= 0),
  viability_percent REAL CHECK (viability_percent BETWEEN 0 AND 100),
  platelets_per_ul REAL CHECK (platelets_per_ul >= 0),
  wbc_per_ul REAL CHECK (wbc_per_ul >= 0),
  rbc_per_ul REAL CHECK (rbc_per_ul >= 0),
  flow_markers TEXT,
  sterility TEXT CHECK (sterility = 'not_tested' OR sterility = 'pending' OR sterility = 'negative' OR sterility = 'positive'),
  co_injectates TEXT,
  post_procedure_instructions TEXT,
  notes TEXT,
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, course_id) REFERENCES treatment_courses (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
  FOREIGN KEY (clinic_id, knee_id) REFERENCES knees (clinic_id, id),
  FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioners (clinic_id, id)
);
CREATE INDEX treatment_sessions_by_course_id_session_number ON treatment_sessions (clinic_id, course_id, session_number);
CREATE INDEX treatment_sessions_by_patient_id ON treatment_sessions (clinic_id, patient_id);
CREATE INDEX treatment_sessions_by_product_lot ON treatment_sessions (clinic_id, product_lot);
CREATE INDEX treatment_sessions_by_processing_kit_lot ON treatment_sessions (clinic_id, processing_kit_lot);

CREATE TABLE injections (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  session_id INTEGER NOT NULL,
  course_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  site TEXT NOT NULL,
  volume_ml REAL NOT NULL CHECK (volume_ml > 0 AND volume_ml <= 100),
  dose REAL CHECK (dose >= 0),
  dose_unit TEXT,
  guidance TEXT NOT NULL CHECK (guidance = 'ultrasound' OR guidance = 'fluoroscopy' OR guidance = 'landmark'),
  product_lot TEXT NOT NULL,
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, session_id) REFERENCES treatment_sessions (clinic_id, id),
  FOREIGN KEY (clinic_id, course_id) REFERENCES treatment_courses (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);
CREATE INDEX injections_by_session_id ON injections (clinic_id, session_id);
CREATE INDEX injections_by_product_lot ON injections (clinic_id, product_lot);

CREATE TABLE adverse_events (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  course_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  session_id INTEGER,
  site TEXT,
  term TEXT NOT NULL CHECK (term = 'post_injection_flare' OR term = 'effusion_swelling' OR term = 'infection_septic_arthritis' OR term = 'harvest_site_pain_haematoma' OR term = 'immune_allergic_reaction' OR term = 'other'),
  term_other TEXT,
  onset_date TEXT NOT NULL,
  ctcae_grade INTEGER NOT NULL CHECK (ctcae_grade BETWEEN 1 AND 5),
  serious_death INTEGER CHECK (serious_death = 0 OR serious_death = 1),
  serious_life_threatening INTEGER CHECK (serious_life_threatening = 0 OR serious_life_threatening = 1),
  serious_hospitalisation INTEGER CHECK (serious_hospitalisation = 0 OR serious_hospitalisation = 1),
  serious_disability INTEGER CHECK (serious_disability = 0 OR serious_disability = 1),
  serious_congenital_anomaly INTEGER CHECK (serious_congenital_anomaly = 0 OR serious_congenital_anomaly = 1),
  serious_important_medical_event INTEGER CHECK (serious_important_medical_event = 0 OR serious_important_medical_event = 1),
  causality TEXT NOT NULL CHECK (causality = 'certain' OR causality = 'probable' OR causality = 'possible' OR causality = 'unlikely' OR causality = 'conditional' OR causality = 'unassessable'),
  action_taken TEXT NOT NULL CHECK (action_taken = 'none' OR action_taken = 'observation' OR action_taken = 'medication' OR action_taken = 'aspiration' OR action_taken = 'antibiotics' OR action_taken = 'surgery' OR action_taken = 'course_paused' OR action_taken = 'course_stopped' OR action_taken = 'other'),
  outcome TEXT NOT NULL CHECK (outcome = 'recovering' OR outcome = 'recovered' OR outcome = 'recovered_with_sequelae' OR outcome = 'not_recovered' OR outcome = 'fatal' OR outcome = 'unknown'),
  resolution_date TEXT,
  description TEXT,
  serious INTEGER NOT NULL CHECK (serious = 0 OR serious = 1),
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, course_id) REFERENCES treatment_courses (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
  FOREIGN KEY (clinic_id, session_id) REFERENCES treatment_sessions (clinic_id, id)
);
CREATE INDEX adverse_events_by_course_id ON adverse_events (clinic_id, course_id);
CREATE INDEX adverse_events_by_patient_id ON adverse_events (clinic_id, patient_id);
CREATE INDEX adverse_events_by_serious ON adverse_events (clinic_id, serious);
