-- Bulk changes: a job per change asked of many tickets, an item per ticket.
CREATE TYPE "BulkJobState" AS ENUM ('running', 'finished');

CREATE TYPE "BulkItemOutcome" AS ENUM ('pending', 'succeeded', 'refused', 'failed');

CREATE TABLE "BulkJob" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "requestedById" UUID NOT NULL,
    "action" JSONB NOT NULL,
    "via" TEXT NOT NULL,
    "state" "BulkJobState" NOT NULL DEFAULT 'running',
    "total" INTEGER NOT NULL,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "refused" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "BulkJob_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "BulkJobItem" (
    "id" UUID NOT NULL,
    "jobId" UUID NOT NULL,
    "ticketId" UUID NOT NULL,
    "outcome" "BulkItemOutcome" NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "BulkJobItem_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "BulkJob_orgId_createdAt_idx" ON "BulkJob"("orgId", "createdAt" DESC);

CREATE UNIQUE INDEX "BulkJobItem_jobId_ticketId_key" ON "BulkJobItem"("jobId", "ticketId");

CREATE INDEX "BulkJobItem_ticketId_idx" ON "BulkJobItem"("ticketId");

ALTER TABLE "BulkJob" ADD CONSTRAINT "BulkJob_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "BulkJob" ADD CONSTRAINT "BulkJob_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "BulkJobItem" ADD CONSTRAINT "BulkJobItem_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "BulkJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "BulkJobItem" ADD CONSTRAINT "BulkJobItem_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;
