/**
 * Every action definition in the console, each with the roles the design's role table allows to run it
 * (written out here, independently of lib/auth/policy.ts, so the permission-matrix test catches drift in
 * either). "public" actions are the steps that establish identity: anyone may call them, signed in or not.
 * Add each new defineAction here.
 */
import type { ActionDefinition } from "./define-action";
import type { Role } from "../auth/policy";
import { updateRetentionPolicyAction, verifyAuditChainAction } from "../audit/audit-actions";
import { completeSetupAction } from "../auth/actions/complete-setup";
import { confirmMfaEnrolmentAction } from "../auth/actions/confirm-mfa-enrolment";
import { regenerateRecoveryCodesAction } from "../auth/actions/regenerate-recovery-codes";
import { revokeOwnSessionAction } from "../auth/actions/revoke-own-session";
import { signInSecondFactorAction } from "../auth/actions/sign-in-second-factor";
import { signInWithPasswordAction } from "../auth/actions/sign-in-with-password";
import { signOutAction } from "../auth/actions/sign-out";
import { signInWithOidcAction } from "../auth/oidc/sign-in-with-oidc";
import { stepUpWithOidcAction } from "../auth/oidc/step-up-with-oidc";
import { restartContainerAction } from "../docker/actions/restart-container";
import { restartServiceAction } from "../docker/actions/restart-service";
import { startContainerAction } from "../docker/actions/start-container";
import { stopContainerAction } from "../docker/actions/stop-container";
import {
  backupDeleteAction,
  backupDownloadAction,
  backupDryRunAction,
  backupRetentionApplyAction,
  backupRetentionUpdateAction,
  backupRunAction,
  backupScheduleCreateAction,
  backupScheduleDeleteAction,
  backupScheduleUpdateAction,
  backupVerifyAction,
} from "../backups/actions";
import {
  mfaStepUpAction,
  restoreDrillAction,
  restoreDryRunAction,
  restorePreflightAction,
  restoreRollbackAction,
  restoreRunAction,
} from "../restores/actions";
import { privacyRunAction } from "../privacy/actions";
import { privacyReportAction } from "../privacy/report";
import { allowIdentityLinkAction } from "../users/actions/allow-identity-link";
import { changeUserRoleAction } from "../users/actions/change-role";
import { createUserAction } from "../users/actions/create-user";
import { deleteUserAction } from "../users/actions/delete-user";
import { disableUserAction } from "../users/actions/disable-user";
import { enableUserAction } from "../users/actions/enable-user";
import { issueSetupLinkAction } from "../users/actions/issue-setup-link";
import { resetUserMfaAction } from "../users/actions/reset-mfa";
import { revokeUserSessionsAction } from "../users/actions/revoke-user-sessions";
import { revokeSsoSessionsAction } from "../users/actions/revoke-sso-sessions";
import { unlinkIdentityAction } from "../users/actions/unlink-identity";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds actions of every input/output type
export type AnyActionDefinition = ActionDefinition<any, any>;

export type RegisteredAction = {
  definition: AnyActionDefinition;
  /** Roles the role table allows, or "public" (identity steps: anyone, including signed-out callers). */
  allowed: readonly Role[] | "public";
};

const EVERY_ROLE = ["viewer", "operator", "admin", "auditor"] as const;
const ADMIN_ONLY = ["admin"] as const;
const ADMIN_AND_AUDITOR = ["admin", "auditor"] as const;
const OPERATOR_AND_ADMIN = ["operator", "admin"] as const;

export const ACTION_REGISTRY: readonly RegisteredAction[] = [
  // Identity steps (public)
  { definition: signInWithPasswordAction, allowed: "public" },
  { definition: signInSecondFactorAction, allowed: "public" },
  { definition: signInWithOidcAction, allowed: "public" },
  { definition: confirmMfaEnrolmentAction, allowed: "public" },
  { definition: completeSetupAction, allowed: "public" },
  // Own account (every signed-in role)
  { definition: signOutAction, allowed: EVERY_ROLE },
  { definition: revokeOwnSessionAction, allowed: EVERY_ROLE },
  { definition: regenerateRecoveryCodesAction, allowed: EVERY_ROLE },
  // Users, roles (admin)
  { definition: createUserAction, allowed: ADMIN_ONLY },
  { definition: issueSetupLinkAction, allowed: ADMIN_ONLY },
  { definition: changeUserRoleAction, allowed: ADMIN_ONLY },
  { definition: disableUserAction, allowed: ADMIN_ONLY },
  { definition: enableUserAction, allowed: ADMIN_ONLY },
  { definition: resetUserMfaAction, allowed: ADMIN_ONLY },
  { definition: revokeUserSessionsAction, allowed: ADMIN_ONLY },
  { definition: deleteUserAction, allowed: ADMIN_ONLY },
  // SSO users (admin): sign out every SSO user, allow linking an existing account to a provider, unlink an identity
  { definition: revokeSsoSessionsAction, allowed: ADMIN_ONLY },
  { definition: allowIdentityLinkAction, allowed: ADMIN_ONLY },
  { definition: unlinkIdentityAction, allowed: ADMIN_ONLY },
  // Containers: restart / start / stop (operator, admin)
  { definition: restartContainerAction, allowed: OPERATOR_AND_ADMIN },
  { definition: startContainerAction, allowed: OPERATOR_AND_ADMIN },
  { definition: stopContainerAction, allowed: OPERATOR_AND_ADMIN },
  { definition: restartServiceAction, allowed: OPERATOR_AND_ADMIN },
  // Backups: run now and dry run (operator, admin); download, delete, verify, schedules, retention (admin)
  { definition: backupRunAction, allowed: OPERATOR_AND_ADMIN },
  { definition: backupDryRunAction, allowed: OPERATOR_AND_ADMIN },
  { definition: backupDeleteAction, allowed: ADMIN_ONLY },
  { definition: backupDownloadAction, allowed: ADMIN_ONLY },
  { definition: backupVerifyAction, allowed: ADMIN_ONLY },
  { definition: backupScheduleCreateAction, allowed: ADMIN_ONLY },
  { definition: backupScheduleUpdateAction, allowed: ADMIN_ONLY },
  { definition: backupScheduleDeleteAction, allowed: ADMIN_ONLY },
  { definition: backupRetentionUpdateAction, allowed: ADMIN_ONLY },
  { definition: backupRetentionApplyAction, allowed: ADMIN_ONLY },
  // Restores: preflight, dry run, run, rollback, drill (admin); TOTP step-up before a destructive action (every signed-in role)
  { definition: restorePreflightAction, allowed: ADMIN_ONLY },
  { definition: restoreDryRunAction, allowed: ADMIN_ONLY },
  { definition: restoreRunAction, allowed: ADMIN_ONLY },
  { definition: restoreRollbackAction, allowed: ADMIN_ONLY },
  { definition: restoreDrillAction, allowed: ADMIN_ONLY },
  { definition: mfaStepUpAction, allowed: EVERY_ROLE },
  // The same step-up for an SSO user without console TOTP: re-authentication at a linked IdP trusted for MFA (every signed-in role)
  { definition: stepUpWithOidcAction, allowed: EVERY_ROLE },
  // Privacy checks: run now (operator, admin)
  { definition: privacyRunAction, allowed: OPERATOR_AND_ADMIN },
  // Privacy evidence report: an export tied to the audit chain (admin, auditor — audit.export)
  { definition: privacyReportAction, allowed: ADMIN_AND_AUDITOR },
  // Audit log (admin, auditor); settings (admin)
  { definition: verifyAuditChainAction, allowed: ADMIN_AND_AUDITOR },
  { definition: updateRetentionPolicyAction, allowed: ADMIN_ONLY },
];
