import type { Metadata } from "next";
import Link from "next/link";
import { FormAlert } from "@/components/form-controls";
import { buttonStyles } from "@/components/form-styles";
import { FIRST_ADMIN_NEEDS_SSO_MESSAGE } from "@/lib/auth/actions/complete-setup";
import { passwordSignInEnabled } from "@/lib/auth/password-sign-in-policy";
import { lookUpSetupToken } from "@/lib/auth/setup-tokens";
import { AuthCard } from "../../auth-card";
import { SetupForm } from "./setup-form";

// same-origin: the token in the URL never reaches another site, and a form posted before hydration keeps its Origin.
export const metadata: Metadata = { title: "Set up your account", referrer: "same-origin" };

const expiresAt = (date: Date) => date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";

export default async function SetupPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const lookup = await lookUpSetupToken(token);

  if (lookup.state !== "usable")
    return (
      <AuthCard
        title={lookup.state === "used" ? "This setup link was already used" : lookup.state === "expired" ? "This setup link has expired" : "This setup link is not valid"}
        description="Setup links work once, for a limited time."
      >
        <div className="space-y-4 text-sm text-slate-700">
          <p>
            If you already set up your account, <Link href="/sign-in" className={buttonStyles.link}>sign in</Link>. Otherwise ask an admin of this console for a new
            link.
          </p>
          <p>
            Setting up a new console? Restart it to print a new first-admin link to its log, or run{" "}
            <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs break-words">npm run opsdeck -- users create --email you@example.com --role admin</code> on the
            server.
          </p>
        </div>
      </AuthCard>
    );

  const { purpose, email } = lookup.token;
  const passwordsOn = passwordSignInEnabled();
  if (purpose === "first-admin" && !passwordsOn)
    return (
      <AuthCard title="Sign in with single sign-on" description="Password sign-in is turned off on this console.">
        <div className="space-y-4 text-sm text-slate-700">
          <p>{FIRST_ADMIN_NEEDS_SSO_MESSAGE}</p>
          <p>
            <Link href="/sign-in" className={buttonStyles.link}>
              Go to sign-in
            </Link>
          </p>
        </div>
      </AuthCard>
    );
  const title = purpose === "first-admin" ? "Create the first admin" : purpose === "reset" ? "Choose a new password" : "Set up your account";
  const description =
    purpose === "first-admin"
      ? "This account manages the console: users, roles, backups and restores. Next you will set up an authenticator app."
      : purpose === "reset"
        ? "Setting a new password ends your other sessions. Then sign in with your authenticator code."
        : "Choose a password, then set up an authenticator app for the second step.";
  const note = passwordsOn ? null : "Password sign-in is turned off on this console: your password is saved for later, and you sign in with single sign-on.";
  return (
    <AuthCard title={title} description={description} footer={<>This link works once and expires {expiresAt(lookup.token.expiresAt)}.</>}>
      {note ? (
        <FormAlert tone="info" className="mb-5">
          {note}
        </FormAlert>
      ) : null}
      <SetupForm token={token} fixedEmail={purpose === "first-admin" ? null : email} submitLabel={purpose === "first-admin" ? "Create admin account" : "Save password"} />
    </AuthCard>
  );
}
