import type { Metadata } from "next";
import { EmptyState, PlannedList } from "@/components/empty-state";
import { RestoreIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { requirePermission } from "@/lib/auth/require-permission";

export const metadata: Metadata = { title: "Restores" };

export default async function RestoresPage() {
  await requirePermission("restores.run", "/restores");
  return (
    <>
      <PageHeader
        title="Restores"
        description="Guided restores from a backup, with preflight checks and a safety copy of the current data."
      />
      <EmptyState
        className="mt-6"
        icon={RestoreIcon}
        title="No restores yet"
        description="Guided restores arrive after backups: until Opsdeck takes backups, there is nothing to restore from."
      >
        <PlannedList
          items={[
            "Preflight checks: checksums, free space, engine versions, dependent services",
            "A typed confirmation and a fresh MFA check before anything is overwritten",
            "A safety backup of the current data, taken first",
            "Step-by-step progress that survives a console restart, and a verification at the end",
          ]}
        />
      </EmptyState>
    </>
  );
}
