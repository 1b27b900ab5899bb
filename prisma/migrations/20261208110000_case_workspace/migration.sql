-- The case workspace and the team dashboard: whether a case has overdue actions
-- (an equality the "overdue only" filter indexes), the last message on its
-- tickets and the last time its advocate opened it.
ALTER TABLE "Case" ADD COLUMN "hasOverdue" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "lastMessageAt" TIMESTAMP(3),
ADD COLUMN "advocateViewedAt" TIMESTAMP(3);

UPDATE "Case" SET "hasOverdue" = true WHERE "overdueActions" > 0;

-- The newest public message of each case's tickets so far.
UPDATE "Case" c SET "lastMessageAt" = m.at
FROM (
  SELECT t."caseId", max(msg."createdAt") AS at
  FROM "Message" msg JOIN "Ticket" t ON t.id = msg."ticketId"
  WHERE t."caseId" IS NOT NULL AND msg.visibility = 'public'
  GROUP BY t."caseId"
) m
WHERE m."caseId" = c.id;

-- CreateIndex
CREATE INDEX "Case_orgId_lastActivityAt_number_idx" ON "Case"("orgId", "lastActivityAt" DESC, "number" DESC);

-- CreateIndex
CREATE INDEX "Case_orgId_hasOverdue_lastActivityAt_number_idx" ON "Case"("orgId", "hasOverdue", "lastActivityAt" DESC, "number" DESC);
