-- Phase 6: privacy verification. One row per check of one stack in one pass (a "Run now" or the daily
-- schedule; rows of one pass share run_id). The evidence is JSON of counts, variable names, masked key
-- prefixes and sample event uuids only: never an IP address, a secret value or an API token.

-- CreateTable
CREATE TABLE "privacy_check_results" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "stack" TEXT NOT NULL,
    "check_key" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "evidence" JSONB NOT NULL DEFAULT '{}',
    "previous_status" TEXT,
    "flipped" BOOLEAN NOT NULL DEFAULT false,
    "trigger" TEXT NOT NULL,
    "requested_by_email" TEXT,
    "audit_correlation_id" UUID,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,

    CONSTRAINT "privacy_check_results_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "privacy_check_results_status_check" CHECK ("status" IN ('pass', 'fail', 'error')),
    CONSTRAINT "privacy_check_results_previous_status_check" CHECK ("previous_status" IS NULL OR "previous_status" IN ('pass', 'fail', 'error')),
    CONSTRAINT "privacy_check_results_trigger_check" CHECK ("trigger" IN ('user', 'schedule'))
);

-- CreateIndex
CREATE INDEX "privacy_check_results_stack_check_key_started_at_idx" ON "privacy_check_results"("stack", "check_key", "started_at");
CREATE INDEX "privacy_check_results_started_at_idx" ON "privacy_check_results"("started_at");
CREATE INDEX "privacy_check_results_run_id_idx" ON "privacy_check_results"("run_id");
