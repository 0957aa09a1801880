/** Re-registers backup schedules with pg-boss after a change, when backup jobs are registered in this process. */
const state = globalThis as unknown as { __opsdeckBackupBoss?: import("pg-boss").PgBoss };

export async function syncRegisteredSchedules(): Promise<void> {
  const boss = state.__opsdeckBackupBoss;
  if (!boss) return;
  const { syncBackupSchedules } = await import("./backup-jobs");
  await syncBackupSchedules(boss);
}
