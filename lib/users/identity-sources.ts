/**
 * Where a user signs in from, for the Users page: "Local" (a console password) and/or the display name of
 * each identity provider they are linked to. An identity whose provider is no longer configured shows its
 * id and "(removed)".
 */
import { oidcProviders } from "../auth/oidc/config";
import { log } from "../log/logger";

export type ProviderName = { id: string; name: string };

/** The configured providers' ids and display names; empty (and logged) when the config cannot be read. */
export function configuredProviderNames(): { providers: ProviderName[]; readable: boolean } {
  try {
    return { providers: oidcProviders().map((p) => ({ id: p.id, name: p.name })), readable: true };
  } catch (error) {
    log.warn("Users page: OPSDECK_OIDC_PROVIDERS could not be read", { error: error instanceof Error ? error.message : String(error) });
    return { providers: [], readable: false };
  }
}

/** The label for one identity's provider. When the config is unreadable, the id alone (not "(removed)"). */
export function providerLabel(providerId: string, providers: readonly ProviderName[], readable = true): { name: string; removed: boolean } {
  const hit = providers.find((p) => p.id === providerId);
  if (hit) return { name: hit.name, removed: false };
  return readable ? { name: `${providerId} (removed)`, removed: true } : { name: providerId, removed: false };
}

/** The source labels of one user: each linked provider (no duplicates), then "Local" when they have a password or no identity. */
export function sourceLabels(user: { hasPassword: boolean; identityNames: readonly string[] }): string[] {
  const names = [...new Set(user.identityNames)];
  if (user.hasPassword || names.length === 0) names.push("Local");
  return names;
}
