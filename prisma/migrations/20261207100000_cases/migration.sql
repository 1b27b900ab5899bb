-- (No semicolons or apostrophes in these comments: the migration runner splits
-- the script on semicolons without reading comments.)

-- Cases: a family case worked across tickets, keyed by (orgId, caseRef), with its
-- next actions and timeline. Lifecycle columns are written by the case workflow
-- activities (docs/decisions/009-case-statuses.md for the statuses).
CREATE TYPE "CaseStatus" AS ENUM ('intake', 'assessment_requested', 'assessment_agreed', 'draft_plan', 'final_plan', 'tribunal', 'closed');

ALTER TABLE "Organisation" ADD COLUMN "lastCaseNumber" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "Case" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "caseRef" TEXT NOT NULL,
    "familyId" UUID NOT NULL,
    "childName" TEXT,
    "advocateId" UUID,
    "openedForTicketId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "CaseStatus" NOT NULL DEFAULT 'intake',
    "stateVersion" INTEGER NOT NULL DEFAULT 0,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),
    "closeReason" TEXT,
    "lastActivityAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "nextActionDueAt" TIMESTAMP(3),
    "overdueActions" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Case_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "CaseAction" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "ownerId" UUID,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dueAt" TIMESTAMP(3),
    "doneAt" TIMESTAMP(3),
    "overdue" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "CaseAction_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "CaseEvent" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "actorId" UUID,
    "data" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CaseEvent_pkey" PRIMARY KEY ("id")
);

ALTER TABLE "Ticket" ADD COLUMN "caseId" UUID;

CREATE UNIQUE INDEX "Case_orgId_number_key" ON "Case"("orgId", "number");
CREATE UNIQUE INDEX "Case_orgId_caseRef_key" ON "Case"("orgId", "caseRef");
CREATE INDEX "Case_orgId_advocateId_lastActivityAt_number_idx" ON "Case"("orgId", "advocateId", "lastActivityAt" DESC, "number");
CREATE INDEX "Case_orgId_status_lastActivityAt_number_idx" ON "Case"("orgId", "status", "lastActivityAt" DESC, "number");
CREATE INDEX "CaseAction_caseId_createdAt_idx" ON "CaseAction"("caseId", "createdAt");
CREATE UNIQUE INDEX "CaseEvent_caseId_seq_key" ON "CaseEvent"("caseId", "seq");
CREATE UNIQUE INDEX "Case_openedForTicketId_key" ON "Case"("openedForTicketId");
CREATE INDEX "Ticket_caseId_idx" ON "Ticket"("caseId");
-- The worker sweep opens case rows their workflow never saved, as it does tickets.
CREATE INDEX "Case_unstarted_idx" ON "Case" ("createdAt") WHERE "stateVersion" = 0;
-- And tickets not joined to their case yet: a reference without its case row, or
-- an assigned ticket whose case was not linked (the assigning process died).
CREATE INDEX "Ticket_case_unjoined_idx" ON "Ticket" ("updatedAt") WHERE "caseRef" IS NOT NULL AND "caseId" IS NULL;
CREATE INDEX "Ticket_case_unlinked_idx" ON "Ticket" ("updatedAt") WHERE "assigneeId" IS NOT NULL AND "caseRef" IS NULL;

ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Case" ADD CONSTRAINT "Case_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Case" ADD CONSTRAINT "Case_familyId_fkey" FOREIGN KEY ("familyId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Case" ADD CONSTRAINT "Case_advocateId_fkey" FOREIGN KEY ("advocateId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "CaseAction" ADD CONSTRAINT "CaseAction_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "CaseAction" ADD CONSTRAINT "CaseAction_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "CaseAction" ADD CONSTRAINT "CaseAction_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "CaseEvent" ADD CONSTRAINT "CaseEvent_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill: one case for each reference tickets carry today. Its family is the
-- requester of its earliest ticket, its advocate the assignee of its latest, and
-- it is closed when every one of its tickets is. stateVersion stays 0, so the
-- worker sweep starts each one a workflow from this row.
INSERT INTO "Case" ("id", "orgId", "number", "caseRef", "familyId", "childName", "advocateId", "createdAt", "status", "openedAt", "closedAt", "closeReason", "lastActivityAt")
SELECT gen_random_uuid(), refs."orgId",
       ROW_NUMBER() OVER (PARTITION BY refs."orgId" ORDER BY refs."openedAt", refs."caseRef"),
       refs."caseRef", earliest."requesterId", earliest."childName", latest."assigneeId", refs."openedAt",
       CASE WHEN refs."allClosed" THEN 'closed'::"CaseStatus" ELSE 'intake'::"CaseStatus" END,
       refs."openedAt",
       CASE WHEN refs."allClosed" THEN refs."lastClosedAt" END,
       CASE WHEN refs."allClosed" THEN 'tickets closed' END,
       refs."lastActivityAt"
FROM (
    SELECT "orgId", "caseRef", MIN("createdAt") AS "openedAt", MAX("lastActivityAt") AS "lastActivityAt",
           BOOL_AND("status" = 'closed') AS "allClosed", MAX("closedAt") AS "lastClosedAt"
    FROM "Ticket" WHERE "caseRef" IS NOT NULL GROUP BY "orgId", "caseRef"
) refs
CROSS JOIN LATERAL (
    SELECT t."requesterId", t."childName" FROM "Ticket" t
    WHERE t."orgId" = refs."orgId" AND t."caseRef" = refs."caseRef" ORDER BY t."createdAt", t."number" LIMIT 1
) earliest
CROSS JOIN LATERAL (
    SELECT t."assigneeId" FROM "Ticket" t
    WHERE t."orgId" = refs."orgId" AND t."caseRef" = refs."caseRef" ORDER BY t."createdAt" DESC, t."number" DESC LIMIT 1
) latest;

UPDATE "Organisation" o SET "lastCaseNumber" = counted."cases"
FROM (SELECT "orgId", COUNT(*) AS "cases" FROM "Case" GROUP BY "orgId") counted
WHERE counted."orgId" = o."id";

UPDATE "Ticket" t SET "caseId" = c."id" FROM "Case" c WHERE c."orgId" = t."orgId" AND c."caseRef" = t."caseRef";
