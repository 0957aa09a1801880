-- Phase 7 (SSO): with password sign-in turned off (OPSDECK_PASSWORD_SIGNIN=off), one local admin may still
-- sign in with password + TOTP while a break-glass window opened from the CLI is open. The window's end is
-- stored on the account; NULL (or a past instant) means no window.
ALTER TABLE "users" ADD COLUMN "break_glass_until" TIMESTAMPTZ(3);

-- The console layout asks "is any window open?" on every admin page load: only the few rows with a window.
CREATE INDEX "users_break_glass_until_idx" ON "users"("break_glass_until") WHERE "break_glass_until" IS NOT NULL;
