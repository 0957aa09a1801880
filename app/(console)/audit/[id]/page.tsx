import type { Metadata } from "next";
import { loadAuditEvent } from "@/lib/audit/audit-page-data";
import { AuditEventView } from "./audit-event-view";

export const metadata: Metadata = { title: "Audit entry" };

export default async function AuditEventPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { event, related } = await loadAuditEvent(id);
  return <AuditEventView event={event} related={related} />;
}
