/** Backups → Retention (admin): change the policy; apply it now to one service (the nightly job applies it to all). */
import { z } from "zod";
import { defineAction } from "../../actions/define-action";
import { applyRetention, retentionPolicySchema, setRetentionPolicy, RETENTION_SETTING } from "../retention";
import { backupServiceInput } from "./run-backup";

export const backupRetentionUpdateAction = defineAction({
  action: "backup.retention.update",
  permission: "backups.manage",
  input: retentionPolicySchema,
  resourceType: "setting",
  resourceId: () => RETENTION_SETTING,
  run: async (input) => setRetentionPolicy(input),
});

export const backupRetentionApplyAction = defineAction({
  action: "backup.retention.apply",
  permission: "backups.manage",
  input: z.object({ stack: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/), service: backupServiceInput }),
  resourceType: "backup",
  resourceId: (input) => `${input.stack}/${input.service}`,
  run: async (input) => {
    const result = await applyRetention(input.stack, input.service);
    return { deleted: result.deleted, kept: result.keep.length, paused: result.paused, pausedReason: result.pausedReason };
  },
});
