import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { buttonStyles } from "@/components/form-styles";
import { safeNextPath } from "@/lib/auth/safe-next-path";
import { challengeViewForPage } from "@/lib/auth/sign-in-challenge-view";
import { AuthCard } from "../../auth-card";
import { MfaForm } from "./mfa-form";

export const metadata: Metadata = { title: "Two-step verification" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function MfaPage({ searchParams }: { searchParams: SearchParams }) {
  const next = safeNextPath((await searchParams).next);
  const view = await challengeViewForPage();
  if (view.state === "enrol" || view.state === "enrolled") redirect("/sign-in/enroll");
  if (view.state !== "mfa")
    return (
      <AuthCard title="Your sign-in has expired" description="The step after your password is valid for 5 minutes.">
        <Link href="/sign-in" className={buttonStyles.primary}>
          Sign in again
        </Link>
      </AuthCard>
    );
  return (
    <AuthCard
      title="Two-step verification"
      description={
        <>
          Signing in as <span className="font-medium text-slate-900">{view.email}</span>.
        </>
      }
      footer={
        <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
          <span>Lost your phone and your recovery codes? An admin can reset your MFA.</span>
          <Link href="/sign-in" className={buttonStyles.link}>
            Start over
          </Link>
        </div>
      }
    >
      <MfaForm next={next} />
    </AuthCard>
  );
}
