-- (No semicolons or apostrophes in these comments: the migration runner splits
-- the script on semicolons without reading comments.)

-- Admins keep departments: a lead, archiving instead of deleting.
ALTER TABLE "Department" ADD COLUMN "leadId" UUID,
  ADD COLUMN "archivedAt" TIMESTAMP(3),
  ADD COLUMN "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "Department" ADD CONSTRAINT "Department_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The departments a staff member is restricted to (none: every department).
CREATE TABLE "MembershipDepartment" (
    "membershipId" UUID NOT NULL,
    "departmentId" UUID NOT NULL,
    CONSTRAINT "MembershipDepartment_pkey" PRIMARY KEY ("membershipId","departmentId")
);
CREATE INDEX "MembershipDepartment_departmentId_idx" ON "MembershipDepartment"("departmentId");
ALTER TABLE "MembershipDepartment" ADD CONSTRAINT "MembershipDepartment_membershipId_fkey" FOREIGN KEY ("membershipId") REFERENCES "Membership"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "MembershipDepartment" ADD CONSTRAINT "MembershipDepartment_departmentId_fkey" FOREIGN KEY ("departmentId") REFERENCES "Department"("id") ON DELETE CASCADE ON UPDATE CASCADE;
