import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePermission } from "@/lib/auth/require-permission";
import { containerPageData } from "@/lib/dashboard/page-data";
import { ContainerView } from "./container-view";

export const metadata: Metadata = { title: "Container" };
export const dynamic = "force-dynamic";

/** /containers/<id>: containers.view; an invalid or unknown id is a 404. */
export default async function ContainerPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePermission("containers.view", "/containers");
  const data = await containerPageData((await params).id, actor);
  if (!data) notFound();
  return <ContainerView data={data} />;
}
