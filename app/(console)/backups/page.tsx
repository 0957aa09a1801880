import type { Metadata } from "next";
import { EmptyState, PlannedList } from "@/components/empty-state";
import { BackupIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { requirePermission } from "@/lib/auth/require-permission";

export const metadata: Metadata = { title: "Backups" };

export default async function BackupsPage() {
  await requirePermission("backups.view", "/backups");
  return (
    <>
      <PageHeader
        title="Backups"
        description="Backup plans, schedules and history for Postgres, ClickHouse, Redis and data volumes."
      />
      <EmptyState
        className="mt-6"
        icon={BackupIcon}
        title="No backups configured yet"
        description="Backups arrive with Phase 4. Until then, Opsdeck does not take or list any backups."
      >
        <PlannedList
          items={[
            "Backups streamed from each engine's own dump tool, with a SHA-256 checksum for every file",
            "Optional AES-256-GCM encryption and copies to S3-compatible storage or rsync",
            "Schedules and daily/weekly/monthly retention that never deletes the last good backup",
            "History with size, duration and verification result",
          ]}
        />
      </EmptyState>
    </>
  );
}
