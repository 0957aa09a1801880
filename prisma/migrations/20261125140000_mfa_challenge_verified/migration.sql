-- Enrolment: the code that confirms a new authenticator is checked by a server action (which also hands
-- out the recovery codes); the session is then issued by the next-auth Credentials provider. This column
-- records that the second factor was proven in this challenge, so the provider may issue one session for it.
ALTER TABLE "mfa_challenges" ADD COLUMN "mfa_verified_at" TIMESTAMPTZ(3);

-- Invitations and setup links are looked up by email when a new one replaces an old one.
CREATE INDEX "setup_tokens_email_idx" ON "setup_tokens"("email");
