-- (No semicolons or apostrophes in these comments: the migration runner splits
-- the script on semicolons without reading comments.)

-- Every ticket belongs to exactly one department, and every organisation has a
-- default one for requests that name none.
ALTER TABLE "Organisation" ADD COLUMN "defaultDepartmentId" UUID;

-- An organisation without departments gets General.
INSERT INTO "Department" ("id", "orgId", "slug", "name")
SELECT gen_random_uuid(), o."id", 'general', 'General' FROM "Organisation" o
WHERE NOT EXISTS (SELECT 1 FROM "Department" d WHERE d."orgId" = o."id");

-- One with departments already keeps them: its default is an active one, the
-- one with the slug general if there is one, else the first by name.
UPDATE "Organisation" o SET "defaultDepartmentId" = (
  SELECT d."id" FROM "Department" d WHERE d."orgId" = o."id"
  ORDER BY (d."archivedAt" IS NOT NULL), (d."slug" = 'general') DESC, d."name", d."id" LIMIT 1
);
UPDATE "Department" SET "archivedAt" = NULL WHERE "id" IN (SELECT "defaultDepartmentId" FROM "Organisation");

-- Tickets without a department move into their organisation default.
UPDATE "Ticket" t SET "departmentId" = o."defaultDepartmentId"
FROM "Organisation" o WHERE o."id" = t."orgId" AND t."departmentId" IS NULL;

ALTER TABLE "Ticket" DROP CONSTRAINT "Ticket_departmentId_fkey";
ALTER TABLE "Ticket" ALTER COLUMN "departmentId" SET NOT NULL;
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_departmentId_fkey" FOREIGN KEY ("departmentId") REFERENCES "Department"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE UNIQUE INDEX "Organisation_defaultDepartmentId_key" ON "Organisation"("defaultDepartmentId");
ALTER TABLE "Organisation" ADD CONSTRAINT "Organisation_defaultDepartmentId_fkey" FOREIGN KEY ("defaultDepartmentId") REFERENCES "Department"("id") ON DELETE SET NULL ON UPDATE CASCADE;
