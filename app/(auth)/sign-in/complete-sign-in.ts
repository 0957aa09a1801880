"use client";

import { signIn } from "next-auth/react";

/**
 * Sign-in step 2 through next-auth's Credentials provider (the challenge travels in its httpOnly cookie).
 * Returns null on success, else the message to show. Then a full page load, so every server component
 * sees the new session.
 */
export async function completeSignIn(code: string | undefined, next: string): Promise<string | null> {
  try {
    const result = await signIn("credentials", { redirect: false, ...(code ? { code } : {}) });
    if (result?.ok && !result.error) {
      window.location.assign(next);
      return null;
    }
    return result?.error && result.error !== "CredentialsSignin" ? result.error : "That code is not valid.";
  } catch {
    return "The console could not be reached. Check your connection and try again.";
  }
}
