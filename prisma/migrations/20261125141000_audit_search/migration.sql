-- Audit log search: case-insensitive actor email lookups and free text over
-- action / resource id / actor email / error / params, both usable with keyset pagination on seq.

-- The text the audit page's free-text filter searches. IMMUTABLE so an index can be built on it;
-- the query calls the same function, so index and filter cannot drift apart.
CREATE FUNCTION opsdeck_audit_search_text(action TEXT, resource_id TEXT, actor_email TEXT, error TEXT, params JSONB)
RETURNS TEXT LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(action || ' ' || coalesce(resource_id, '') || ' ' || coalesce(actor_email, '') || ' ' ||
               coalesce(error, '') || ' ' || coalesce(params::text, ''))
$$;

CREATE INDEX "audit_events_actor_email_seq_idx" ON "audit_events" (lower("actor_email"), "seq");

-- A trigram index makes '%text%' searches fast. pg_trgm ships with Postgres (contrib) and is a trusted
-- extension, but a managed database may still refuse it: then search works, unindexed.
DO $$
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm is not available (%): audit free-text search will work without an index', SQLERRM;
    RETURN;
  END;
  EXECUTE 'CREATE INDEX "audit_events_search_trgm_idx" ON "audit_events" USING gin '
          '(opsdeck_audit_search_text("action", "resource_id", "actor_email", "error", "params") gin_trgm_ops)';
END;
$$;
