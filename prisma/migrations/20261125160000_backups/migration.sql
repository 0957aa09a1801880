-- Phase 4: backups. Runs with persisted progress (one active run per service, enforced by a partial
-- unique index), the manifest index, verification results, remote copies and schedules.

-- CreateTable
CREATE TABLE "backup_runs" (
    "id" UUID NOT NULL,
    "stack" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "engine" TEXT NOT NULL,
    "name" TEXT,
    "status" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "requested_by_id" UUID,
    "requested_by_email" TEXT,
    "schedule_id" UUID,
    "backup_id" TEXT NOT NULL,
    "step" TEXT,
    "bytes_done" BIGINT NOT NULL DEFAULT 0,
    "bytes_estimated" BIGINT,
    "percent" DOUBLE PRECISION,
    "encrypted" BOOLEAN NOT NULL DEFAULT false,
    "key_id" TEXT,
    "owner" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "heartbeat_at" TIMESTAMPTZ(3),
    "error" TEXT,
    "stderr_tail" TEXT,
    "total_bytes" BIGINT,
    "manifest" JSONB,
    "manifest_sha256" CHAR(64),
    "deleted_at" TIMESTAMPTZ(3),
    "deleted_reason" TEXT,
    "audit_correlation_id" UUID,

    CONSTRAINT "backup_runs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "backup_runs_status_check" CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed', 'interrupted')),
    CONSTRAINT "backup_runs_trigger_check" CHECK ("trigger" IN ('user', 'schedule', 'system'))
);

-- CreateIndex
CREATE UNIQUE INDEX "backup_runs_backup_id_key" ON "backup_runs"("backup_id");
CREATE INDEX "backup_runs_stack_service_created_at_idx" ON "backup_runs"("stack", "service", "created_at");
CREATE INDEX "backup_runs_status_idx" ON "backup_runs"("status");
-- One backup per service at a time (not expressible in schema.prisma: a partial unique index).
CREATE UNIQUE INDEX "backup_runs_one_active_per_service" ON "backup_runs"("stack", "service") WHERE "status" IN ('queued', 'running');

-- CreateTable
CREATE TABLE "backup_verifications" (
    "id" UUID NOT NULL,
    "backup_id" TEXT NOT NULL,
    "run_id" UUID,
    "trigger" TEXT NOT NULL,
    "requested_by_email" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3) NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "summary" TEXT NOT NULL,
    "files" JSONB NOT NULL,

    CONSTRAINT "backup_verifications_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "backup_verifications_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "backup_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "backup_verifications_backup_id_started_at_idx" ON "backup_verifications"("backup_id", "started_at");

-- CreateTable
CREATE TABLE "backup_copies" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "backup_id" TEXT NOT NULL,
    "store" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "bytes" BIGINT,
    "verified" BOOLEAN NOT NULL DEFAULT false,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "error" TEXT,

    CONSTRAINT "backup_copies_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "backup_copies_status_check" CHECK ("status" IN ('running', 'succeeded', 'failed', 'deleted')),
    CONSTRAINT "backup_copies_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "backup_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "backup_copies_run_id_idx" ON "backup_copies"("run_id");

-- CreateTable
CREATE TABLE "backup_schedules" (
    "id" UUID NOT NULL,
    "stack" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "tz" TEXT NOT NULL DEFAULT 'UTC',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_by_email" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "backup_schedules_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "backup_schedules_stack_service_cron_key" ON "backup_schedules"("stack", "service", "cron");
