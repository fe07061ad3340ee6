-- Refreshing one patient's analytic rows reads each record kind by (clinic_id, patient_id). Every kind
-- analytics reads has such an index already, or a unique key that starts with those columns (knees:
-- clinic_id, patient_id, side), except injections, which were only reached through their session.
CREATE INDEX injections_by_patient_id ON injections (clinic_id, patient_id);
