// Used by scripts/test-all.mjs: reads the Vitest and Playwright JSON reports.
/** A Vitest test that passed only on a retry: passed, with the earlier attempt's error kept. */
export const isRetriedPass = (t) => t.status === "passed" && t.failureMessages?.length > 0;

/** Names of failed (and flaky) tests, so the last lines of a CI log say what broke (the full output scrolls away). */
export function listFailedTests(vitest, e2e) {
  const names = [];
  for (const file of vitest?.testResults ?? []) {
    const rel = String(file.name ?? "").replace(process.cwd() + "/", "");
    const failedCases = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const t of failedCases) names.push(`vitest  ${rel} › ${t.fullName}\n        ${firstLine(t.failureMessages?.[0])}`);
    for (const t of (file.assertionResults ?? []).filter(isRetriedPass)) {
      names.push(`vitest  ${rel} › ${t.fullName} (flaky: passed on retry)\n        ${firstLine(t.failureMessages[0])}`);
    }
    if (!failedCases.length && file.status === "failed") names.push(`vitest  ${rel} (file failed)\n        ${firstLine(file.message)}`);
  }
  const walk = (suite, file) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status === "unexpected" || test.status === "flaky") {
          const error = test.results?.find((r) => r.error)?.error?.message;
          names.push(`e2e     ${file}:${spec.line} › ${spec.title} (${test.status === "flaky" ? "flaky: passed on retry" : "failed"})\n        ${firstLine(error)}`);
        }
      }
    }
    for (const child of suite.suites ?? []) walk(child, file);
  };
  for (const suite of e2e?.suites ?? []) walk(suite, suite.file ?? suite.title);
  return names;
}
function firstLine(text) {
  return String(text ?? "").replace(/\x1b\[[0-9;]*m/g, "").split("\n").find((l) => l.trim()) ?? "";
}

