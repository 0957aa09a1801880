-- CreateTable
CREATE TABLE "container_samples" (
    "engine_id" TEXT NOT NULL,
    "container_id" TEXT NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "container_name" TEXT NOT NULL,
    "project" TEXT,
    "service" TEXT,
    "cpu_percent" DOUBLE PRECISION,
    "mem_used_bytes" BIGINT NOT NULL,
    "mem_max_bytes" BIGINT NOT NULL,
    "mem_limit_bytes" BIGINT NOT NULL,
    "mem_percent" DOUBLE PRECISION,
    "samples" INTEGER NOT NULL,

    CONSTRAINT "container_samples_pkey" PRIMARY KEY ("engine_id","container_id","minute")
);

-- CreateIndex
CREATE INDEX "container_samples_minute_idx" ON "container_samples"("minute");
