import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { anonymous, createTestUser, uniqueEmail } from "@/test/identity-fixtures";
import { superuserQuery, useMigratedTestDatabase } from "@/test/test-database";
import { executeAction } from "../actions/define-action";
import { prisma } from "../db/prisma";
import { log } from "../log/logger";
import { createUser } from "../users/create-user";
import { completeSetupAction } from "./actions/complete-setup";
import { announceFirstAdminSetup } from "./first-admin-setup";
import { verifyPassword } from "./password-hashing";
import { createSetupToken, FIRST_ADMIN_LINK_TTL_MS, hashSetupToken, lookUpSetupToken } from "./setup-tokens";

const NEW_PASSWORD = "lantern-meadow-copper-7";

describe("one-time setup links", () => {
  let db: Awaited<ReturnType<typeof useMigratedTestDatabase>>;
  beforeAll(async () => {
    db = await useMigratedTestDatabase("setup");
  });
  afterAll(async () => db.cleanup());

  const complete = (token: string, email: string, extra: Record<string, string> = {}) =>
    executeAction(completeSetupAction, anonymous(), { token, email, name: "Ada", password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, ...extra });

  it("prints a first-admin link at start only while there are no users, storing only the token's hash", async () => {
    const info = vi.spyOn(log, "info").mockImplementation(() => undefined);
    const url = await announceFirstAdminSetup("http://localhost:3000");
    expect(url).toMatch(/^http:\/\/localhost:3000\/setup\/[A-Za-z0-9_-]{43}$/);
    expect(info).toHaveBeenCalledWith(`Open ${url} to create the first admin (valid 30 minutes)`);
    expect(await superuserQuery(db.url, "select outcome from audit_events where action = 'auth.setup-link.create' order by seq")).toEqual([{ outcome: "started" }, { outcome: "succeeded" }]);
    const token = url!.split("/").at(-1)!;
    const rows = await superuserQuery<{ token_hash: string; purpose: string; expires_at: Date; created_at: Date }>(db.url, "select token_hash, purpose, expires_at, created_at from setup_tokens");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ token_hash: hashSetupToken(token), purpose: "first-admin" });
    expect(rows[0]!.expires_at.getTime() - rows[0]!.created_at.getTime()).toBe(30 * 60 * 1000);
    expect(JSON.stringify(rows)).not.toContain(token);
    info.mockRestore();

    // Used once: creates the admin and opens MFA enrolment.
    const email = uniqueEmail("first-admin");
    const created = await complete(token, email.toUpperCase());
    expect(created).toMatchObject({ ok: true, data: { next: "enroll", purpose: "first-admin" } });
    const admin = await prisma().user.findUniqueOrThrow({ where: { email }, select: { role: true, name: true, passwordHash: true, mfaEnabledAt: true } });
    expect(admin).toMatchObject({ role: "admin", name: "Ada", mfaEnabledAt: null });
    expect(await verifyPassword(admin.passwordHash!, NEW_PASSWORD)).toBe(true);

    // Single use.
    expect(await lookUpSetupToken(token)).toEqual({ state: "used" });
    const again = await complete(token, uniqueEmail("second-admin"));
    expect(again).toMatchObject({ ok: false, error: { code: "NOT_FOUND", message: "This setup link has expired or was already used." } });
    expect(await prisma().user.count({ where: { role: "admin" } })).toBe(1);

    // With users present, no new link at the next start.
    expect(await announceFirstAdminSetup("http://localhost:3000")).toBeNull();
  });

  it("refuses an expired link", async () => {
    const { token } = await createSetupToken({ purpose: "first-admin", ttlMs: FIRST_ADMIN_LINK_TTL_MS, now: new Date(Date.now() - 31 * 60 * 1000) });
    expect(await lookUpSetupToken(token)).toEqual({ state: "expired" });
    expect(await complete(token, uniqueEmail("late"))).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  });

  it("refuses a second first-admin link once an admin exists (two links printed by two replicas)", async () => {
    const { token } = await createSetupToken({ purpose: "first-admin", ttlMs: FIRST_ADMIN_LINK_TTL_MS });
    const result = await complete(token, uniqueEmail("usurper"));
    expect(result).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    expect(await lookUpSetupToken(token)).toMatchObject({ state: "usable" }); // not consumed by the refusal
  });

  it("lets only one of two concurrent uses of the same link through", async () => {
    const { token } = await createSetupToken({ purpose: "invite", email: "race@example.com", role: "viewer", ttlMs: 60_000 });
    await prisma().user.create({ data: { email: "race@example.com", role: "viewer" } });
    const results = await Promise.all([complete(token, "race@example.com"), complete(token, "race@example.com")]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("checks the password policy and the confirmation", async () => {
    const { token } = await createSetupToken({ purpose: "invite", email: "weak@example.com", role: "viewer", ttlMs: 60_000 });
    const weak = await complete(token, "weak@example.com", { password: "password1234", confirmPassword: "password1234" });
    expect(weak).toMatchObject({ ok: false, error: { code: "INVALID_INPUT", fieldErrors: { password: [expect.stringMatching(/too common/)] } } });
    const mismatch = await complete(token, "weak@example.com", { confirmPassword: "something-else-entirely" });
    expect(mismatch).toMatchObject({ ok: false, error: { fieldErrors: { confirmPassword: ["The two passwords do not match."] } } });
    expect(await lookUpSetupToken(token)).toMatchObject({ state: "usable" });
  });

  it("an invitation sets the invited user's password, only for the invited email", async () => {
    const created = await createUser({ email: uniqueEmail("invitee"), role: "auditor" });
    const token = created.setupToken!.token;
    expect(await complete(token, uniqueEmail("someone-else"))).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    const ok = await complete(token, created.email);
    expect(ok).toMatchObject({ ok: true, data: { userId: created.userId, next: "enroll", purpose: "invite" } });
    const user = await prisma().user.findUniqueOrThrow({ where: { id: created.userId }, select: { role: true, passwordHash: true } });
    expect(user.role).toBe("auditor");
    expect(await verifyPassword(user.passwordHash!, NEW_PASSWORD)).toBe(true);
  });

  it("a password-reset link for an enrolled user ends their sessions and continues to the TOTP step", async () => {
    const user = await createTestUser({ role: "operator" });
    const { token } = await createSetupToken({ purpose: "reset", email: user.email, role: user.role, ttlMs: 60_000 });
    const before = new Date();
    const result = await complete(token, user.email);
    expect(result).toMatchObject({ ok: true, data: { next: "mfa", purpose: "reset" } });
    const row = await prisma().user.findUniqueOrThrow({ where: { id: user.id }, select: { sessionsRevokedAt: true } });
    expect(row.sessionsRevokedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 5);
  });

  it("treats junk tokens as unknown without touching the database", async () => {
    for (const token of ["", "short", "../../etc/passwd", "x".repeat(200)]) expect(await lookUpSetupToken(token)).toEqual({ state: "unknown" });
    expect(await lookUpSetupToken("A".repeat(43))).toEqual({ state: "unknown" });
  });
});
