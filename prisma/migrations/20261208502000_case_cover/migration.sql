-- Cover on a case: a second advocate while its advocate is away.
CREATE TABLE "CaseCover" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "advocateId" UUID NOT NULL,
    "startsOn" DATE NOT NULL,
    "endsOn" DATE,
    "addedById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),
    "endedById" UUID,
    CONSTRAINT "CaseCover_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "CaseCover_caseId_createdAt_idx" ON "CaseCover"("caseId", "createdAt" DESC);
CREATE INDEX "CaseCover_advocateId_endedAt_idx" ON "CaseCover"("advocateId", "endedAt");
ALTER TABLE "CaseCover" ADD CONSTRAINT "CaseCover_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "CaseCover" ADD CONSTRAINT "CaseCover_advocateId_fkey" FOREIGN KEY ("advocateId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "CaseCover" ADD CONSTRAINT "CaseCover_addedById_fkey" FOREIGN KEY ("addedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "CaseCover" ADD CONSTRAINT "CaseCover_endedById_fkey" FOREIGN KEY ("endedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
