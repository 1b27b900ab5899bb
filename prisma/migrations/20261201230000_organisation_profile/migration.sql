-- The organisation looks after its own profile in the portal: contact details,
-- a response time only when it states one, and whether a first reply assigns.
ALTER TABLE "Organisation" ALTER COLUMN "responseTime" DROP NOT NULL;
ALTER TABLE "Organisation" ALTER COLUMN "responseTime" DROP DEFAULT;
ALTER TABLE "Organisation" ADD COLUMN "contactEmail" TEXT;
ALTER TABLE "Organisation" ADD COLUMN "contactPhone" TEXT;
ALTER TABLE "Organisation" ADD COLUMN "website" TEXT;
ALTER TABLE "Organisation" ADD COLUMN "postalAddress" TEXT;
ALTER TABLE "Organisation" ADD COLUMN "assignOnFirstReply" BOOLEAN NOT NULL DEFAULT true;
