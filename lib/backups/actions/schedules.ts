/** Backups → Schedules (admin): create, change, delete cron schedules; pg-boss is resynced at once when backup jobs run in this process. */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { createSchedule, deleteSchedule, updateSchedule } from "../backup-schedules";
import { syncRegisteredSchedules } from "../schedule-sync";
import { backupServiceInput } from "./run-backup";

const stackInput = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "Choose a stack.");
const cronInput = z.string().trim().min(9, "A cron expression, e.g. 0 2 * * *").max(100);
const tzInput = z.string().min(1).max(64).default("UTC");
const enabledInput = z.preprocess((v) => (v === "true" || v === "on" ? true : v === "false" ? false : v), z.boolean());

export const backupScheduleCreateAction = defineAction({
  action: "backup.schedule.create",
  permission: "backups.manage",
  input: z.object({ stack: stackInput, service: backupServiceInput, cron: cronInput, tz: tzInput, enabled: enabledInput.default(true) }),
  resourceType: "backup-schedule",
  resourceId: (input) => `${input.stack}/${input.service}`,
  run: async (input, { ctx }) => {
    const schedule = await createSchedule({ ...input, createdByEmail: ctx.actor?.email ?? null });
    await syncRegisteredSchedules();
    return schedule;
  },
});

export const backupScheduleUpdateAction = defineAction({
  action: "backup.schedule.update",
  permission: "backups.manage",
  input: z.object({ id: z.uuid("Unknown schedule."), cron: cronInput.optional(), tz: z.string().min(1).max(64).optional(), enabled: enabledInput.optional() }),
  resourceType: "backup-schedule",
  resourceId: (input) => input.id,
  run: async (input) => {
    const schedule = await updateSchedule(input.id, input);
    await syncRegisteredSchedules();
    return schedule;
  },
});

export const backupScheduleDeleteAction = defineAction({
  action: "backup.schedule.delete",
  permission: "backups.manage",
  input: z.object({ id: z.uuid("Unknown schedule.") }),
  resourceType: "backup-schedule",
  resourceId: (input) => input.id,
  run: async (input) => {
    const schedule = await deleteSchedule(input.id);
    await syncRegisteredSchedules();
    return schedule;
  },
});
