-- Restarts seen by the container monitor, so "restarts in the last hour" and the crash-loop flag
-- survive a console restart even when the engine's event buffer (256 events) no longer reaches back
-- an hour. Rows older than a day are pruned when a monitor starts.
CREATE TABLE "container_restarts" (
    "engine_id" TEXT NOT NULL,
    "container_id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "container_restarts_pkey" PRIMARY KEY ("engine_id","container_id","at")
);

CREATE INDEX "container_restarts_at_idx" ON "container_restarts"("at");
