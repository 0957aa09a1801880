import type { Metadata } from "next";
import { loadAuditPage } from "@/lib/audit/audit-page-data";
import { AuditLogView } from "./audit-log-view";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const data = await loadAuditPage(await searchParams);
  return <AuditLogView data={data} />;
}
