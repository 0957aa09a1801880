-- A scheduled backup whose slot passed without a run is notified (webhook + audit) once per slot, by
-- whichever console replica inserts the row first (lib/backups/check-missed-backups.ts).
CREATE TABLE "backup_missed_notices" (
    "stack" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "slot" TIMESTAMPTZ(3) NOT NULL,
    "notified_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "backup_missed_notices_pkey" PRIMARY KEY ("stack", "service", "slot")
);

CREATE INDEX "backup_missed_notices_notified_at_idx" ON "backup_missed_notices"("notified_at");
