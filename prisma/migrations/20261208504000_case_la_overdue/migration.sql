-- Whether one of the case's LA deadlines is overdue, kept by the case workflow's save, for the team dashboard's filter.
ALTER TABLE "Case" ADD COLUMN "laOverdue" BOOLEAN NOT NULL DEFAULT false;

-- Cases saved before: their deadlines say so already.
UPDATE "Case" SET "laOverdue" = true
WHERE EXISTS (SELECT 1 FROM "CaseDeadline" d WHERE d."caseId" = "Case"."id" AND d."state" = 'overdue');

CREATE INDEX "Case_orgId_laOverdue_lastActivityAt_number_idx" ON "Case"("orgId", "laOverdue", "lastActivityAt" DESC, "number" DESC);
