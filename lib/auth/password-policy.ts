/**
 * What a new password must be: 12 to 256 characters, not a well-known or trivially patterned one,
 * and not built from the account's own email. Returns the problem in words, or null.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

// Common passwords of 12+ characters (from public breach top lists) and obvious console-specific ones.
const COMMON = new Set([
  "123456789012",
  "1234567890123",
  "12345678901234",
  "123456789abc",
  "1q2w3e4r5t6y",
  "1qaz2wsx3edc",
  "1qaz2wsx3edc4rfv",
  "abc123456789",
  "abcdefghijkl",
  "abcd1234abcd",
  "adminadmin123",
  "administrator",
  "administrator1",
  "changeme1234",
  "changemenow1",
  "correcthorsebatterystaple",
  "football1234",
  "iloveyou1234",
  "letmein12345",
  "opsdeckadmin",
  "opsdeck12345",
  "passw0rd1234",
  "password1234",
  "password12345",
  "password123456",
  "password123!",
  "password1234!",
  "passwordpassword",
  "qazwsxedcrfv",
  "qwerty123456",
  "qwertyuiop123",
  "qwertyuiopasdf",
  "qwertyuiopas",
  "sunshine1234",
  "trustno11234",
  "welcome12345",
  "welcome123456",
  "zaq12wsxcde3",
  "zxcvbnm12345",
  "superman1234",
  "baseball1234",
  "monkey123456",
  "dragon123456",
  "master123456",
  "p@ssw0rd1234",
  "p@ssword1234",
  "secret123456",
  "admin1234567",
  "admin123456789",
  "rootroot1234",
  "posthog12345",
]);

const SEQUENCES = ["0123456789012345678901234567890", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm"];

function isSequence(p: string): boolean {
  return SEQUENCES.some((s) => s.includes(p) || [...s].reverse().join("").includes(p));
}

/** A short block repeated (e.g. "abcabcabcabc", "aaaaaaaaaaaa"). */
function isRepetition(p: string): boolean {
  for (let size = 1; size <= p.length / 2; size++) {
    const block = p.slice(0, size);
    if (block.repeat(Math.ceil(p.length / size)).slice(0, p.length) === p) return true;
  }
  return false;
}

export function passwordProblem(password: string, context: { email?: string | null } = {}): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  const lower = password.toLowerCase();
  if (password.trim() !== password) return "Remove the spaces at the start or end.";
  if (COMMON.has(lower) || isSequence(lower) || isRepetition(lower))
    return "This password is too common or too easy to guess. Try a few unrelated words together.";
  const local = context.email?.split("@")[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return "Do not build the password from your email address.";
  return null;
}
