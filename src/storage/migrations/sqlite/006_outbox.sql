-- Patient contact for PROM follow-up: the outbox of survey emails (an invitation and its reminders) and the
-- staff call queue with the outcome of every call. A message holds its wording with a placeholder where the
-- survey link goes: the link is made when the message is sent, so no raw token is ever stored.

CREATE TABLE outbox_messages (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  followup_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  invitation_id INTEGER,
  kind TEXT NOT NULL CHECK (kind = 'invitation' OR kind = 'reminder'),
  channel TEXT NOT NULL CHECK (channel = 'email'),
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  send_after TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status = 'queued' OR status = 'sending' OR status = 'sent' OR status = 'cancelled' OR status = 'failed'),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error TEXT,
  sent_at TEXT,
  cancel_reason TEXT,
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, followup_id) REFERENCES followups (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
  FOREIGN KEY (clinic_id, invitation_id) REFERENCES survey_invitations (clinic_id, id)
);
CREATE INDEX outbox_messages_by_followup_id ON outbox_messages (clinic_id, followup_id);
-- The sender's scan: the queued messages of each clinic.
CREATE INDEX outbox_messages_by_status ON outbox_messages (clinic_id, status);

CREATE TABLE call_queue (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  followup_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  reason TEXT NOT NULL CHECK (reason = 'no_answer_after_reminders' OR reason = 'no_email_address' OR reason = 'email_failed'),
  status TEXT NOT NULL CHECK (status = 'waiting' OR status = 'open' OR status = 'closed'),
  due_at TEXT NOT NULL,
  opened_at TEXT,
  closed_at TEXT,
  closed_reason TEXT,
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, followup_id) REFERENCES followups (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);
CREATE INDEX call_queue_by_followup_id ON call_queue (clinic_id, followup_id);
CREATE INDEX call_queue_by_status ON call_queue (clinic_id, status);

CREATE TABLE call_outcomes (
  id INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  synthetic INTEGER NOT NULL DEFAULT 0,
  call_queue_id INTEGER NOT NULL,
  followup_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome = 'reached_will_answer' OR outcome = 'reached_answered_by_phone' OR outcome = 'left_message' OR outcome = 'no_answer' OR outcome = 'wrong_number' OR outcome = 'declined' OR outcome = 'withdrew'),
  note TEXT,
  called_at TEXT NOT NULL,
  called_by INTEGER,
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, call_queue_id) REFERENCES call_queue (clinic_id, id),
  FOREIGN KEY (clinic_id, followup_id) REFERENCES followups (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);
CREATE INDEX call_outcomes_by_call_queue_id ON call_outcomes (clinic_id, call_queue_id);
