import { describe, expect, it } from "vitest";
import { auditFilterSql, auditFilterToSearchParams, parseAuditFilter, parseAuditPageQuery, timeBounds } from "./audit-filter";

describe("audit filter", () => {
  it("parses URL search params, trimming and dropping blanks, and round-trips to a shareable URL", () => {
    const parsed = parseAuditPageQuery(new URLSearchParams("action=+user+&resource=&actor=Ann@Example.com&outcome=denied&from=2026-11-01&to=2026-11-25T10:30&q=disk&before=123&limit=20&junk=1"));
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(parsed.data).toEqual({
      filter: { action: "user", actor: "Ann@Example.com", outcome: "denied", from: "2026-11-01", to: "2026-11-25T10:30", q: "disk" },
      before: "123",
      limit: 20,
    });
    expect(auditFilterToSearchParams(parsed.data.filter).toString()).toBe("action=user&actor=Ann%40Example.com&outcome=denied&from=2026-11-01&to=2026-11-25T10%3A30&q=disk");
    expect(parseAuditFilter(auditFilterToSearchParams(parsed.data.filter))).toEqual({ success: true, data: parsed.data.filter });
  });

  it("accepts Next.js searchParams objects (first of repeated keys)", () => {
    expect(parseAuditPageQuery({ outcome: ["failed", "denied"], limit: undefined })).toMatchObject({ success: true, data: { filter: { outcome: "failed" }, limit: 50 } });
  });

  it("refuses bad values with messages that say what to enter", () => {
    const bad = parseAuditPageQuery({ outcome: "exploded", from: "yesterday", limit: "500", before: "1;drop" });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => i.message).join(" | ");
    expect(messages).toMatch(/Outcome must be one of started, succeeded, failed, denied/);
    expect(messages).toMatch(/From must be a date like 2026-11-25/);
    expect(messages).toMatch(/At most 200 rows per page/);
    expect(messages).toMatch(/page link is not valid/);
    expect(parseAuditFilter({ from: "2026-11-25", to: "2026-11-24" }).error?.issues[0]?.message).toBe("From must be before To.");
    expect(parseAuditFilter({ q: "x".repeat(201) }).success).toBe(false);
  });

  it("time bounds: UTC by default, offsets honoured, `to` covers the whole day/minute it names, impossible dates refused", () => {
    expect(timeBounds("2026-11-25")).toEqual({ start: new Date("2026-11-25T00:00:00Z"), end: new Date("2026-11-26T00:00:00Z") });
    expect(timeBounds("2026-11-25T10:30")).toEqual({ start: new Date("2026-11-25T10:30:00Z"), end: new Date("2026-11-25T10:31:00Z") });
    expect(timeBounds("2026-11-25T10:30:15.5+02:00")!.start).toEqual(new Date("2026-11-25T08:30:15.500Z"));
    expect(timeBounds("2026-02-30")).toBeNull();
    expect(timeBounds("2026-11-25T24:00")).toBeNull();
    expect(timeBounds("25/11/2026")).toBeNull();
  });

  it("binds every value as a parameter and escapes LIKE wildcards", () => {
    const values: unknown[] = [];
    const sql = auditFilterSql({ action: "auth.sign*", actor: "100%_admin", q: "50% off' or 1=1 --" }, values);
    expect(sql).not.toContain("'");
    expect(values).toEqual(["auth.sign%", "%100\\%\\_admin%", "%50\\% off' or 1=1 --%"]);
    expect(auditFilterSql({}, [])).toBe("true");
    const v2: unknown[] = [];
    expect(auditFilterSql({ action: "user", actor: "0B3A1C2D-0000-4000-8000-000000000001" }, v2)).toBe("(action = $1 or action like $2) and actor_id = $3::uuid");
    expect(v2).toEqual(["user", "user.%", "0b3a1c2d-0000-4000-8000-000000000001"]);
  });
});
