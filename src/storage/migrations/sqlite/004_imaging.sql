-- Imaging: radiograph and MRI studies of a knee, quantitative cartilage measurements and WORMS grades read
-- from an MRI. Ranges mirror the record schemas (registry/records_imaging.cpp); rules across fields (MRI-only
-- fields, a MOCART score needing its version) and across records (measurements only on an MRI) are the
-- schemas' alone. The cartilage region codes are kept only in the schema, like cartilage_lesions.site.
-- Value lists are written as OR chains: SQLite builds a temporary table for every IN (...) it checks
-- on insert, which made bulk loads several times slower.

CREATE TABLE imaging_studies (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  knee_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  modality TEXT NOT NULL CHECK (modality = 'radiograph' OR modality = 'mri'),
  study_date TEXT NOT NULL,
  field_strength_tesla REAL CHECK (field_strength_tesla BETWEEN 0.2 AND 7),
  sequences TEXT,
  reader TEXT,
  kl_grade INTEGER CHECK (kl_grade BETWEEN 0 AND 4),
  mocart_version TEXT CHECK (mocart_version = '1.0' OR mocart_version = '2.0'),
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
  subregion TEXT NOT NULL CHECK (
    subregion = 'patella_medial' OR subregion = 'patella_lateral' OR subregion = 'medial_femur_anterior' OR
    subregion = 'medial_femur_central' OR subregion = 'medial_femur_posterior' OR subregion = 'lateral_femur_anterior' OR
    subregion = 'lateral_femur_central' OR subregion = 'lateral_femur_posterior' OR subregion = 'medial_tibia_anterior' OR
    subregion = 'medial_tibia_central' OR subregion = 'medial_tibia_posterior' OR subregion = 'lateral_tibia_anterior' OR
    subregion = 'lateral_tibia_central' OR subregion = 'lateral_tibia_posterior'),
  cartilage_grade TEXT NOT NULL CHECK (cartilage_grade = '0' OR cartilage_grade = '1' OR cartilage_grade = '2' OR cartilage_grade = '2.5' OR cartilage_grade = '3' OR cartilage_grade = '4' OR cartilage_grade = '5' OR cartilage_grade = '6'),
  bone_marrow_lesion INTEGER CHECK (bone_marrow_lesion BETWEEN 0 AND 3),
  UNIQUE (clinic_id, study_id, subregion),
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, study_id) REFERENCES imaging_studies (clinic_id, id),
  FOREIGN KEY (clinic_id, knee_id) REFERENCES knees (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);
CREATE INDEX worms_grades_by_knee ON worms_grades (clinic_id, knee_id);
CREATE INDEX worms_grades_by_patient ON worms_grades (clinic_id, patient_id);
