/** The failure hook POSTs a JSON summary (no secrets) to BACKUP_WEBHOOK_URL; an unreachable hook is only logged. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { notifyBackupProblem } from "./notify-failure";

describe("notifyBackupProblem", () => {
  it("posts the event and says whether the hook took it", async () => {
    const received: unknown[] = [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        received.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const event = { event: "backup.failed" as const, stack: "posthog", service: "db", runId: "r", backupId: "posthog/db/x", error: "pg_dump exited with 1", at: "2026-11-25T02:00:00.000Z" };
    expect(await notifyBackupProblem(event, url)).toBe(true);
    expect(received).toEqual([{ ...event, text: "Opsdeck: backup.failed for posthog/db: pg_dump exited with 1" }]);
    await new Promise((resolve) => server.close(resolve));
    expect(await notifyBackupProblem(event, url)).toBe(false);
    expect(await notifyBackupProblem(event, undefined)).toBe(false);
  });
});
