-- CreateEnum
CREATE TYPE "SlaState" AS ENUM ('on_track', 'at_risk', 'breached', 'paused', 'met');

-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN     "slaPolicy" JSONB;

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "autoCloseAt" TIMESTAMP(3),
ADD COLUMN     "closeReason" TEXT,
ADD COLUMN     "closedAt" TIMESTAMP(3),
ADD COLUMN     "followUpOfId" UUID,
ADD COLUMN     "laDeadline" TIMESTAMP(3),
ADD COLUMN     "laOverdue" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "pendingSince" TIMESTAMP(3),
ADD COLUMN     "reopenUntil" TIMESTAMP(3),
ADD COLUMN     "resolvedAt" TIMESTAMP(3),
ADD COLUMN     "slaDueAt" TIMESTAMP(3),
ADD COLUMN     "slaState" "SlaState",
ADD COLUMN     "slaTargets" JSONB NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "TicketWatcher" (
    "ticketId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TicketWatcher_pkey" PRIMARY KEY ("ticketId","userId")
);

-- CreateIndex
CREATE INDEX "TicketWatcher_userId_idx" ON "TicketWatcher"("userId");

-- CreateIndex
CREATE INDEX "Ticket_orgId_slaState_idx" ON "Ticket"("orgId", "slaState");

-- CreateIndex
CREATE INDEX "Ticket_orgId_caseRef_idx" ON "Ticket"("orgId", "caseRef");

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_followUpOfId_fkey" FOREIGN KEY ("followUpOfId") REFERENCES "Ticket"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketWatcher" ADD CONSTRAINT "TicketWatcher_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketWatcher" ADD CONSTRAINT "TicketWatcher_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
