-- (No semicolons or apostrophes in these comments: the migration runner splits
-- the script on semicolons without reading comments.)

-- The statutory timeline of a case: its stage dates and the LA deadlines its
-- workflow works out from them (docs/decisions/011-statutory-timeline.md).
ALTER TABLE "Case" ADD COLUMN "stageDates" JSONB NOT NULL DEFAULT '{}';

CREATE TYPE "CaseDeadlineState" AS ENUM ('due', 'met', 'overdue', 'ended', 'exception');

CREATE TABLE "CaseDeadline" (
    "caseId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "startDate" TEXT NOT NULL,
    "dueDate" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "state" "CaseDeadlineState" NOT NULL,
    "reason" TEXT,

    CONSTRAINT "CaseDeadline_pkey" PRIMARY KEY ("caseId","key")
);

CREATE INDEX "CaseDeadline_orgId_state_dueAt_idx" ON "CaseDeadline"("orgId", "state", "dueAt");

ALTER TABLE "CaseDeadline" ADD CONSTRAINT "CaseDeadline_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
