-- (No semicolons or apostrophes in these comments: the migration runner splits
-- the script on semicolons without reading comments.)

-- The queue sorts by family, type, department, status and assignee as well
-- (services/queue.server.ts). Each index ends in the ticket number, which breaks
-- ties, and serves open and done tickets alike.

-- Type and status are columns of the ticket: a page is read in index order.
CREATE INDEX "Ticket_orgId_type_number_idx" ON "Ticket"("orgId", "type", "number");
CREATE INDEX "Ticket_orgId_status_number_idx" ON "Ticket"("orgId", "status", "number");

-- Names live in other tables: the query walks the names in order and reads
-- the tickets of each through these. The assignee index also finds the
-- assignees themselves (a loose scan) and the tickets of the My tickets view.
CREATE INDEX "Ticket_orgId_requesterId_number_idx" ON "Ticket"("orgId", "requesterId", "number");
CREATE INDEX "Ticket_orgId_assigneeId_number_idx" ON "Ticket"("orgId", "assigneeId", "number");
CREATE INDEX "Ticket_orgId_departmentId_number_idx" ON "Ticket"("orgId", "departmentId", "number");
CREATE INDEX "User_name_idx" ON "User"("name");
