import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { requirePermission } from "@/lib/auth/require-permission";
import { toRunView } from "@/lib/restores/restore-page-data";
import { getRestoreRun } from "@/lib/restores/restore-runs";
import { RunLive } from "../run-live";

export const metadata: Metadata = { title: "Restore run" };

const KIND_TITLE: Record<string, string> = { restore: "Restore", rollback: "Rollback", drill: "Restore drill", dry_run: "Dry run" };

export default async function RestoreRunPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("restores.run", "/restores/[id]");
  const { id } = await params;
  const run = await getRestoreRun(id);
  if (!run) notFound();
  return (
    <>
      <PageHeader title={`${KIND_TITLE[run.kind] ?? "Restore"} of ${run.service}`} description={<Link href="/restores" className="text-sky-700 underline">All restores</Link>} />
      <div className="mt-6">
        <RunLive initial={toRunView(run)} />
      </div>
    </>
  );
}
