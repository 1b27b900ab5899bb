-- One-time submission tokens of the portal forms that create something
-- (services/submissions.server.ts). The unique index on form and token is the
-- one decision point between concurrent posts of the same form. The index on
-- createdAt serves the cleanup of records older than a day.
CREATE TABLE "FormSubmission" (
    "id" UUID NOT NULL,
    "form" TEXT NOT NULL,
    "token" UUID NOT NULL,
    "actorId" UUID,
    "answer" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "FormSubmission_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "FormSubmission_form_token_key" ON "FormSubmission"("form", "token");

CREATE INDEX "FormSubmission_createdAt_idx" ON "FormSubmission"("createdAt");
