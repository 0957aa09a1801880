/**
 * The outcomes of an IdP step-up, as short codes in the URL of the page the popup lands on
 * (/sign-in/step-up-done?result=…): never free text in the URL, the page shows its own copy.
 */
export const STEP_UP_DONE_PATH = "/sign-in/step-up-done";
/** What the step-up-done page posts to the console page that opened it (same origin only). */
export const STEP_UP_MESSAGE_TYPE = "opsdeck:mfa-step-up";
/** Also sent on this BroadcastChannel: the console's Cross-Origin-Opener-Policy (same-origin) cuts `window.opener` once the popup has been at the IdP. */
export const STEP_UP_CHANNEL = "opsdeck-mfa-step-up";

export const STEP_UP_RESULTS = {
  ok: "Confirmed. You can go back and continue.",
  failed: "The identity provider did not confirm your identity. Try again.",
  "other-account": "You signed in at the identity provider as a different account than the one signed in here. Sign in there as yourself and try again.",
  "no-mfa": "The identity provider did not confirm a second factor for this sign-in. Use your second factor there and try again.",
  stale: "The identity provider did not ask you to sign in again just now. Try again.",
  "not-linked": "This identity provider is not linked to your account, or is not trusted to prove MFA. Ask an administrator.",
  "signed-out": "Your console session has ended. Sign in again, then retry.",
  unavailable: "The identity provider could not be reached. Try again, or ask an administrator.",
} as const;
export type StepUpResult = keyof typeof STEP_UP_RESULTS;

export function stepUpResult(code: unknown): StepUpResult {
  return typeof code === "string" && Object.hasOwn(STEP_UP_RESULTS, code) ? (code as StepUpResult) : "failed";
}

export type StepUpMessage = { type: typeof STEP_UP_MESSAGE_TYPE; ok: boolean; result: StepUpResult; message: string };

export function isStepUpMessage(data: unknown): data is StepUpMessage {
  const d = data as Partial<StepUpMessage> | null;
  return typeof d === "object" && d !== null && d.type === STEP_UP_MESSAGE_TYPE && typeof d.ok === "boolean";
}

/** The page a step-up flow returns to: the popup's done page, or (popup blocked) the console page itself. */
export function stepUpReturnPath(next: unknown, safe: (value: unknown) => string): string {
  return next === STEP_UP_DONE_PATH ? STEP_UP_DONE_PATH : safe(next);
}

/** Where the callback sends the browser: always the done page, with `back` when the flow ran in the console's own window. */
export function stepUpDoneUrl(result: StepUpResult, returnTo: string): string {
  const back = returnTo === STEP_UP_DONE_PATH ? "" : `&back=${encodeURIComponent(returnTo)}`;
  return `${STEP_UP_DONE_PATH}?result=${result}${back}`;
}
