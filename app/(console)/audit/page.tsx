import type { Metadata } from "next";
import { EmptyState, PlannedList } from "@/components/empty-state";
import { AuditIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Audit" };

export default function AuditPage() {
  return (
    <>
      <PageHeader
        title="Audit"
        description="Who did what, when, and with what outcome: the console's append-only, hash-chained audit log."
      />
      <EmptyState
        className="mt-6"
        icon={AuditIcon}
        title="No audit entries yet"
        description="The audit log is not recording yet. It starts with sign-in and console actions, which arrive in later phases."
      >
        <PlannedList
          items={[
            "Every action recorded before it runs, and again with its outcome (succeeded, failed, denied)",
            "Rows chained by SHA-256 hash, so an edited or deleted row is detected",
            "Search, filters, export, and a chain verification that names the first bad row",
          ]}
        />
      </EmptyState>
    </>
  );
}
