import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { FormAlert } from "@/components/form-controls";
import { getCurrentActor } from "@/lib/auth/current-actor";
import { hasAnyUser } from "@/lib/auth/has-users";
import { passwordSignInEnabled } from "@/lib/auth/password-sign-in-policy";
import { publicOidcProviders } from "@/lib/auth/oidc/public-providers";
import { ssoMessage } from "@/lib/auth/oidc/sign-in-with-oidc";
import { safeNextPath } from "@/lib/auth/safe-next-path";
import { buttonStyles } from "@/components/form-styles";
import { AuthCard } from "../auth-card";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const next = safeNextPath(params.next);
  if (await getCurrentActor()) redirect(next);
  const fresh = !(await hasAnyUser());
  const ssoProviders = publicOidcProviders();
  const ssoError = ssoMessage(params.sso);
  // OPSDECK_PASSWORD_SIGNIN=off: no password form, only SSO — except at /sign-in?break-glass=1, for an account
  // whose break-glass window was opened on the server (the action still refuses everyone else).
  const passwordsOn = passwordSignInEnabled();
  const breakGlass = !passwordsOn && params["break-glass"] === "1";
  const showPasswordForm = passwordsOn || breakGlass;

  return (
    <AuthCard
      title="Sign in to Opsdeck"
      description={passwordsOn ? "Your password, then a code from your authenticator app." : "With your organisation's single sign-on."}
      footer={<>No account? Ask an admin of this console to invite you.</>}
    >
      <div className="space-y-5">
        {params["signed-out"] ? <FormAlert tone="success">You are signed out.</FormAlert> : null}
        {params.expired ? <FormAlert tone="info">Your sign-in expired. Enter your email and password again.</FormAlert> : null}
        {params["password-saved"] ? (
          <FormAlert tone="success">Your password is saved. Password sign-in is turned off on this console, so sign in with single sign-on.</FormAlert>
        ) : null}
        {fresh && !passwordsOn ? (
          <FormAlert tone="info">
            <p className="font-semibold">This console has no accounts yet.</p>
            <p className="mt-1">Sign in with single sign-on: the first person in a group the identity provider maps to admin becomes an admin.</p>
          </FormAlert>
        ) : null}
        {fresh && passwordsOn ? (
          <FormAlert tone="info">
            <p className="font-semibold">This console has no accounts yet.</p>
            <p className="mt-1">Open the one-time setup link printed in the console&apos;s log when it started, or create the first admin on the server:</p>
            <code className="mt-2 block rounded-md bg-white px-2.5 py-1.5 font-mono text-xs text-slate-900 ring-1 ring-sky-200 ring-inset">
              npm run opsdeck -- users create --email you@example.com --role admin
            </code>
          </FormAlert>
        ) : null}
        {ssoError ? <FormAlert>{ssoError}</FormAlert> : null}
        {ssoProviders.length > 0 ? (
          <div className="space-y-2">
            {ssoProviders.map((p) => (
              // A plain link (full navigation): the route handler redirects to the identity provider.
              <a
                key={p.id}
                href={`/api/auth/oidc/${encodeURIComponent(p.id)}${next === "/dashboard" ? "" : `?next=${encodeURIComponent(next)}`}`}
                className={`${buttonStyles.secondary} w-full justify-center`}
                data-testid={`sso-${p.id}`}
              >
                Sign in with {p.name}
              </a>
            ))}
            {showPasswordForm ? <p className="text-center text-xs text-slate-500">or with your Opsdeck password</p> : null}
          </div>
        ) : null}
        {passwordsOn ? null : (
          <p className="text-center text-sm text-slate-600" data-testid="password-sign-in-off">
            Password sign-in is turned off on this console.
          </p>
        )}
        {breakGlass ? (
          <FormAlert tone="warning">
            <p className="font-semibold">Break-glass sign-in</p>
            <p className="mt-1">Only for an admin whose break-glass window was opened on the server. Every use is audited and shown to all admins.</p>
          </FormAlert>
        ) : null}
        {showPasswordForm ? <SignInForm next={next} /> : null}
      </div>
    </AuthCard>
  );
}
