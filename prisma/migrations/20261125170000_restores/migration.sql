-- Phase 5: guided restores. One row per restore, rollback, drill or dry run: what was asked (backup,
-- target, drop-and-replace, reason), the preflight checks and the plan as shown, and every step as it
-- ran (JSON array, updated step by step), with progress and a heartbeat (a console restart turns an
-- orphaned running row into `interrupted`, keeping its last completed step). At most one restore or
-- rollback runs per service at a time (partial unique index).

-- CreateTable
CREATE TABLE "restore_runs" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "stack" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "engine" TEXT NOT NULL,
    "backup_id" TEXT NOT NULL,
    "safety_backup_id" TEXT,
    "rollback_of" UUID,
    "drop_and_replace" BOOLEAN NOT NULL DEFAULT false,
    "reason" TEXT,
    "requested_by_id" UUID,
    "requested_by_email" TEXT,
    "preflight" JSONB,
    "plan" JSONB,
    "steps" JSONB NOT NULL DEFAULT '[]',
    "current_step" TEXT,
    "last_completed_step" TEXT,
    "bytes_done" BIGINT NOT NULL DEFAULT 0,
    "bytes_total" BIGINT,
    "percent" DOUBLE PRECISION,
    "owner" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "heartbeat_at" TIMESTAMPTZ(3),
    "error" TEXT,
    "failed_step" TEXT,
    "dependents_left_stopped" JSONB,
    "report" JSONB,
    "audit_correlation_id" UUID,

    CONSTRAINT "restore_runs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "restore_runs_kind_check" CHECK ("kind" IN ('restore', 'rollback', 'drill', 'dry_run')),
    CONSTRAINT "restore_runs_status_check" CHECK ("status" IN ('planned', 'running', 'succeeded', 'failed', 'refused', 'interrupted')),
    CONSTRAINT "restore_runs_rollback_of_fkey" FOREIGN KEY ("rollback_of") REFERENCES "restore_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "restore_runs_stack_service_created_at_idx" ON "restore_runs"("stack", "service", "created_at");
CREATE INDEX "restore_runs_status_idx" ON "restore_runs"("status");
-- One restore or rollback per service at a time (a partial unique index: not expressible in schema.prisma).
-- Drills restore into a throwaway container, so they do not hold the service.
CREATE UNIQUE INDEX "restore_runs_one_active_per_service" ON "restore_runs"("stack", "service") WHERE "status" = 'running' AND "kind" IN ('restore', 'rollback');
