-- Handover notes on a case, from its outgoing advocate (or an admin) to the
-- incoming one.
CREATE TABLE "CaseHandover" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "fromId" UUID,
    "toId" UUID,
    "authorId" UUID,
    "note" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CaseHandover_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "CaseHandover_caseId_createdAt_idx" ON "CaseHandover"("caseId", "createdAt" DESC);
ALTER TABLE "CaseHandover" ADD CONSTRAINT "CaseHandover_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "CaseHandover" ADD CONSTRAINT "CaseHandover_fromId_fkey" FOREIGN KEY ("fromId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "CaseHandover" ADD CONSTRAINT "CaseHandover_toId_fkey" FOREIGN KEY ("toId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "CaseHandover" ADD CONSTRAINT "CaseHandover_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
