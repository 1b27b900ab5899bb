-- CreateTable
CREATE TABLE "TicketLink" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "lowerId" UUID NOT NULL,
    "higherId" UUID NOT NULL,
    "linkedById" UUID,
    "linkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TicketLink_pkey" PRIMARY KEY ("id"),
    -- One row per unordered pair, stored in order: never a ticket linked to itself
    CONSTRAINT "TicketLink_pair_ordered" CHECK ("lowerId" < "higherId")
);

-- CreateIndex
CREATE UNIQUE INDEX "TicketLink_lowerId_higherId_key" ON "TicketLink"("lowerId", "higherId");

-- CreateIndex
CREATE INDEX "TicketLink_higherId_idx" ON "TicketLink"("higherId");

-- AddForeignKey
ALTER TABLE "TicketLink" ADD CONSTRAINT "TicketLink_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketLink" ADD CONSTRAINT "TicketLink_lowerId_fkey" FOREIGN KEY ("lowerId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketLink" ADD CONSTRAINT "TicketLink_higherId_fkey" FOREIGN KEY ("higherId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketLink" ADD CONSTRAINT "TicketLink_linkedById_fkey" FOREIGN KEY ("linkedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX "Ticket_followUpOfId_idx" ON "Ticket"("followUpOfId");
