-- Every stored score names the recall period its answers covered ("last week" for KOOS; now, 24 hours or
-- a week as the patient chose for the pain NRS), so scores with different recall periods are never pooled.
-- Scores stored before this migration keep NULL: their period is in the response's answers.
ALTER TABLE prom_scores ADD COLUMN recall_period TEXT;
