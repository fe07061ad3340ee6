-- Imaging: radiograph and MRI studies of a knee, quantitative cartilage measurements and WORMS grades read
-- from an MRI. Ranges mirror the record schemas (registry/records_imaging.cpp); rules across fields (MRI-only
-- fields, a MOCART score needing its version) and across records (measurements only on an MRI) are the
-- schemas' alone. The cartilage region codes are kept only in the schema, like cartilage_lesions.site.

CREATE TABLE imaging_studies (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  knee_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  modality TEXT NOT NULL CHECK (modality IN ('radiograph', 'mri')),
  study_date TEXT NOT NULL,
  field_strength_tesla REAL CHECK (field_strength_tesla BETWEEN 0.2 AND 7),
  sequences TEXT,
  reader TEXT,
  kl_grade INTEGER CHECK (kl_grade BETWEEN 0 AND 4),
  mocart_version TEXT CHECK (mocart_version IN ('1.0', '2.0')),
  mocart_score INTEGER CHECK (mocart_score BETWEEN 0 AND 100),
  notes TEXT,
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, knee_id) REFERENCES knees (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);
CREATE INDEX imaging_studies_by_knee ON imaging_studies (clinic_id, knee_id);
CREATE INDEX imaging_studies_by_patient ON imaging_studies (clinic_id, patient_id);

CREATE TABLE cartilage_measurements (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  study_id INTEGER NOT NULL,
  knee_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  region TEXT NOT NULL,
  thickness_mm REAL NOT NULL CHECK (thickness_mm > 0 AND thickness_mm <= 10),
  volume_mm3 REAL CHECK (volume_mm3 > 0 AND volume_mm3 <= 50000),
  segmentation_method TEXT NOT NULL,
  UNIQUE (clinic_id, study_id, region, segmentation_method),
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, study_id) REFERENCES imaging_studies (clinic_id, id),
  FOREIGN KEY (clinic_id, knee_id) REFERENCES knees (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);
CREATE INDEX cartilage_measurements_by_knee ON cartilage_measurements (clinic_id, knee_id);
CREATE INDEX cartilage_measurements_by_patient ON cartilage_measurements (clinic_id, patient_id);

CREATE TABLE worms_grades (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  study_id INTEGER NOT NULL,
  knee_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  subregion TEXT NOT NULL CHECK (subregion IN (
    'patella_medial', 'patella_lateral',
    'medial_femur_anterior', 'medial_femur_central', 'medial_femur_posterior',
    'lateral_femur_anterior', 'lateral_femur_central', 'lateral_femur_posterior',
    'medial_tibia_anterior', 'medial_tibia_central', 'medial_tibia_posterior',
    'lateral_tibia_anterior', 'lateral_tibia_central', 'lateral_tibia_posterior')),
  cartilage_grade TEXT NOT NULL CHECK (cartilage_grade IN ('0', '1', '2', '2.5', '3', '4', '5', '6')),
  bone_marrow_lesion INTEGER CHECK (bone_marrow_lesion BETWEEN 0 AND 3),
  UNIQUE (clinic_id, study_id, subregion),
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, study_id) REFERENCES imaging_studies (clinic_id, id),
  FOREIGN KEY (clinic_id, knee_id) REFERENCES knees (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);
CREATE INDEX worms_grades_by_knee ON worms_grades (clinic_id, knee_id);
CREATE INDEX worms_grades_by_patient ON worms_grades (clinic_id, patient_id);
