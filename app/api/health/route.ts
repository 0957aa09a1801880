import { getHealth } from "@/lib/health/get-health";

export const dynamic = "force-dynamic";

/** Machine-friendly health: 200 when the database answers and no migration is pending, 503 otherwise. */
export async function GET() {
  const health = await getHealth();
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
