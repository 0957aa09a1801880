-- The audit page's free-text filter, stored: evaluating opsdeck_audit_search_text() (params::text,
-- lower, concatenation) costs microseconds per row, which dominated searches at a million rows.
-- A stored generated column is computed once at insert and cannot be written directly; the hash
-- chain does not cover it (it is derived from columns the chain does cover).
ALTER TABLE "audit_events"
  ADD COLUMN "search_text" TEXT GENERATED ALWAYS AS (opsdeck_audit_search_text("action", "resource_id", "actor_email", "error", "params")) STORED;

-- The trigram index moves from the expression to the column (only where pg_trgm could be installed).
DROP INDEX IF EXISTS "audit_events_search_trgm_idx";
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    EXECUTE 'CREATE INDEX "audit_events_search_text_trgm_idx" ON "audit_events" USING gin ("search_text" gin_trgm_ops)';
  END IF;
END;
$$;
