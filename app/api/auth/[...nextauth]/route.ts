/**
 * next-auth's endpoints, limited to what the sign-in pages use: CSRF token, provider list, session, and
 * the Credentials callback (sign-in step 2). Sign-out is a server action (audited, revokes the session).
 */
import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/auth-options";

type Context = { params: Promise<{ nextauth: string[] }> };

const ALLOWED: Record<string, readonly string[]> = {
  GET: ["csrf", "providers", "session"],
  POST: ["callback"],
};

async function handler(req: NextRequest, context: Context): Promise<Response> {
  const [action] = (await context.params).nextauth;
  if (!action || !ALLOWED[req.method]?.includes(action)) return new Response("Not found", { status: 404 });
  return NextAuth(req, context, authOptions()) as Promise<Response>;
}

export { handler as GET, handler as POST };
