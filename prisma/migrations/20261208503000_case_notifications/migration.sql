-- A case notice names its case, so its mail and the digest link to the case page
ALTER TABLE "Notification" ADD COLUMN "caseId" UUID;

ALTER TABLE "Notification" ADD CONSTRAINT "Notification_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
