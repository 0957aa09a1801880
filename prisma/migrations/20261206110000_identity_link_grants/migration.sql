-- Phase 7 (SSO): an administrator allows an existing account to be linked to an identity provider at the
-- user's next SSO sign-in (whose email matches the account). Single use (used_at), valid 72 hours.
CREATE TABLE "identity_link_grants" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "provider_id" TEXT NOT NULL,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "identity_link_grants_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "identity_link_grants_user_id_provider_id_idx" ON "identity_link_grants"("user_id", "provider_id");

ALTER TABLE "identity_link_grants" ADD CONSTRAINT "identity_link_grants_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
