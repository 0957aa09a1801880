/**
 * Container log lines shown in the console are scrubbed of the container's own secrets
 * (invariant 5): apps print their config at start (a DATABASE_URL with its password, a token in a
 * debug line). Every value of an environment variable whose NAME looks secret, or that carries
 * credentials in a URL, is replaced wherever it appears, and URL credentials are masked in general.
 * The values stay in this server-side masker; they are never sent anywhere.
 */
import type Docker from "dockerode";
import { isSecretName, MASK, maskUrlCredentials } from "./mask-env";

const URL_WITH_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:[^\s@/]+@/i;
const MIN_SECRET_LENGTH = 6;

export type LogRedactor = (text: string) => string;

export function logRedactorFor(info: Pick<Docker.ContainerInspectInfo, "Config">): LogRedactor {
  const secrets = new Set<string>();
  for (const entry of info.Config.Env ?? []) {
    const eq = entry.indexOf("=");
    if (eq <= 0) continue;
    const key = entry.slice(0, eq);
    const value = entry.slice(eq + 1);
    if (value.length < MIN_SECRET_LENGTH) continue;
    // A secret-looking name: the whole value. A URL with credentials: its password (the URL
    // itself then reads scheme://user:••••••@host, which helps when debugging a connection).
    if (isSecretName(key)) secrets.add(value);
    if (URL_WITH_CREDENTIALS.test(value)) {
      const match = /:\/\/[^\s:@/]*:([^\s@/]+)@/.exec(value);
      if (match?.[1] && match[1].length >= MIN_SECRET_LENGTH) {
        secrets.add(match[1]);
        try {
          secrets.add(decodeURIComponent(match[1]));
        } catch {
          // not percent-encoded
        }
      }
    }
  }
  // Longest first: a URL is masked whole before the password inside it.
  const list = [...secrets].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const secret of list) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return maskUrlCredentials(out);
  };
}
