import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { FormAlert } from "@/components/form-controls";
import { buttonStyles } from "@/components/form-styles";
import { safeNextPath } from "@/lib/auth/safe-next-path";
import { challengeViewForPage } from "@/lib/auth/sign-in-challenge-view";
import { AuthCard } from "../../auth-card";
import { EnrolledContinue, EnrollForm } from "./enroll-form";

export const metadata: Metadata = { title: "Set up MFA" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function EnrollPage({ searchParams }: { searchParams: SearchParams }) {
  const next = safeNextPath((await searchParams).next);
  const view = await challengeViewForPage();
  if (view.state === "mfa") redirect(`/sign-in/mfa${next === "/dashboard" ? "" : `?next=${encodeURIComponent(next)}`}`);
  if (view.state === "none")
    return (
      <AuthCard title="Your sign-in has expired" description="MFA setup must be finished within 15 minutes of entering your password.">
        <Link href="/sign-in" className={buttonStyles.primary}>
          Sign in again
        </Link>
      </AuthCard>
    );
  if (view.state === "enrolled")
    return (
      <AuthCard title="MFA is set up" description={<>Your authenticator is linked to {view.email}.</>}>
        <div className="space-y-4">
          <FormAlert tone="info">Recovery codes are shown only once. If you did not save them, create new ones on your Account page.</FormAlert>
          <EnrolledContinue next={next} />
        </div>
      </AuthCard>
    );
  return (
    <AuthCard
      title="Set up two-step verification"
      description={
        <>
          Every Opsdeck account uses an authenticator app as a second step. Setting it up for{" "}
          <span className="font-medium break-words text-slate-900">{view.email}</span>.
        </>
      }
    >
      <EnrollForm view={{ manualKey: view.manualKey, qrDataUrl: view.qrDataUrl, email: view.email }} next={next} />
    </AuthCard>
  );
}
