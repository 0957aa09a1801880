import type { Metadata } from "next";
import { EmptyState, PlannedList } from "@/components/empty-state";
import { PrivacyIcon } from "@/components/icons";
import { PageHeader } from "@/components/page-header";
import { requirePermission } from "@/lib/auth/require-permission";

export const metadata: Metadata = { title: "Privacy" };

export default async function PrivacyPage() {
  await requirePermission("privacy.view", "/privacy");
  return (
    <>
      <PageHeader
        title="Privacy"
        description="Verification that your analytics stack keeps the privacy settings you promised."
      />
      <EmptyState
        className="mt-6"
        icon={PrivacyIcon}
        title="No privacy checks configured yet"
        description="Privacy verification arrives in a later phase. No check has run, so nothing is claimed here."
      >
        <PlannedList
          items={[
            "PostHog discards client IP addresses",
            "GeoIP enrichment is turned off",
            "Recent events carry no IP address",
            "The result and time of every run, kept for compliance reviewers",
          ]}
        />
      </EmptyState>
    </>
  );
}
