-- One task model: case next actions become tasks, which a ticket may own too
ALTER TABLE "CaseAction" RENAME TO "Task";
ALTER TABLE "Task" RENAME CONSTRAINT "CaseAction_pkey" TO "Task_pkey";
ALTER TABLE "Task" RENAME CONSTRAINT "CaseAction_caseId_fkey" TO "Task_caseId_fkey";
ALTER TABLE "Task" RENAME CONSTRAINT "CaseAction_ownerId_fkey" TO "Task_ownerId_fkey";
ALTER TABLE "Task" RENAME CONSTRAINT "CaseAction_createdById_fkey" TO "Task_createdById_fkey";
ALTER INDEX "CaseAction_caseId_createdAt_idx" RENAME TO "Task_caseId_createdAt_idx";

CREATE TYPE "TaskStatus" AS ENUM ('todo', 'doing', 'done');

ALTER TABLE "Task" ADD COLUMN "orgId" UUID;
ALTER TABLE "Task" ADD COLUMN "ticketId" UUID;
ALTER TABLE "Task" ADD COLUMN "status" "TaskStatus" NOT NULL DEFAULT 'todo';
ALTER TABLE "Task" ALTER COLUMN "caseId" DROP NOT NULL;

-- Every existing row is a case next action: its organisation is its case
UPDATE "Task" SET "orgId" = "Case"."orgId" FROM "Case" WHERE "Case"."id" = "Task"."caseId";
UPDATE "Task" SET "status" = 'done' WHERE "doneAt" IS NOT NULL;
ALTER TABLE "Task" ALTER COLUMN "orgId" SET NOT NULL;

-- A task belongs to a case, a ticket, or both
ALTER TABLE "Task" ADD CONSTRAINT "Task_case_or_ticket" CHECK ("caseId" IS NOT NULL OR "ticketId" IS NOT NULL);

CREATE INDEX "Task_ticketId_createdAt_idx" ON "Task"("ticketId", "createdAt");
CREATE INDEX "Task_orgId_ownerId_status_idx" ON "Task"("orgId", "ownerId", "status");

ALTER TABLE "Task" ADD CONSTRAINT "Task_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Task" ADD CONSTRAINT "Task_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A task made through an API key without a person has no author
ALTER TABLE "Task" ALTER COLUMN "createdById" DROP NOT NULL;
ALTER TABLE "Task" DROP CONSTRAINT "Task_createdById_fkey";
ALTER TABLE "Task" ADD CONSTRAINT "Task_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The case timeline reads the audited task changes of a case
CREATE INDEX "AuditEvent_case_idx" ON "AuditEvent" (("data"->>'caseId'), "createdAt") WHERE "data" ? 'caseId';
