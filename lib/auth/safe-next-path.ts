/** Where to go after signing in: only a path on this site (no "//host", no "\\", no scheme), else the dashboard. */
export const DEFAULT_AFTER_SIGN_IN = "/dashboard";

export function safeNextPath(value: unknown): string {
  if (typeof value !== "string" || value.length > 2000) return DEFAULT_AFTER_SIGN_IN;
  if (!value.startsWith("/") || value.startsWith("//") || value.includes("\\") || /[\u0000-\u001f]/.test(value)) return DEFAULT_AFTER_SIGN_IN;
  if (value === "/sign-in" || value.startsWith("/sign-in/") || value.startsWith("/sign-in?") || value.startsWith("/setup/")) return DEFAULT_AFTER_SIGN_IN;
  return value;
}
