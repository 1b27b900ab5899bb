-- (No semicolons or apostrophes in these comments: the migration runner splits
-- the script on semicolons without reading comments.)

-- The queue and search, written by hand: the Prisma schema cannot express
-- expression or partial indexes (and so leaves these alone when it diffs). The
-- queries they serve are in web/app/services/queue.server.ts.

-- Full-text search by subject and by family name. The simple
-- configuration neither stems nor drops stop words: subjects and names are short
-- and people search them by the words they remember, in any language.
CREATE INDEX "Ticket_subject_search_idx" ON "Ticket" USING GIN (to_tsvector('simple', "subject"));
CREATE INDEX "User_name_search_idx" ON "User" USING GIN (to_tsvector('simple', "name"));

-- Keyset pagination of the queue. Most tickets of a long-lived organisation are
-- resolved or closed, so the open ones (the default view) and the done
-- ones get indexes of their own, one per sortable column. Each ends in the
-- ticket number, unique within the organisation, which breaks ties, and each is
-- scanned forwards or backwards for either direction. Sorting by number uses
-- the unique (orgId, number) index.
CREATE INDEX "Ticket_open_by_activity_idx" ON "Ticket" ("orgId", "lastActivityAt", "number")
  WHERE "status" IN ('new', 'in_progress', 'pending_family', 'pending_la');
CREATE INDEX "Ticket_open_by_sla_idx" ON "Ticket" ("orgId", "slaDueAt", "number")
  WHERE "status" IN ('new', 'in_progress', 'pending_family', 'pending_la');
CREATE INDEX "Ticket_open_by_priority_idx" ON "Ticket" ("orgId", "priority", "number")
  WHERE "status" IN ('new', 'in_progress', 'pending_family', 'pending_la');
CREATE INDEX "Ticket_open_by_subject_idx" ON "Ticket" ("orgId", "subject", "number")
  WHERE "status" IN ('new', 'in_progress', 'pending_family', 'pending_la');
CREATE INDEX "Ticket_done_by_activity_idx" ON "Ticket" ("orgId", "lastActivityAt", "number")
  WHERE "status" IN ('resolved', 'closed');
CREATE INDEX "Ticket_done_by_priority_idx" ON "Ticket" ("orgId", "priority", "number")
  WHERE "status" IN ('resolved', 'closed');
CREATE INDEX "Ticket_done_by_subject_idx" ON "Ticket" ("orgId", "subject", "number")
  WHERE "status" IN ('resolved', 'closed');

-- "Mine" on the open queue, and each advocate active caseload on the triage page.
CREATE INDEX "Ticket_open_by_assignee_idx" ON "Ticket" ("orgId", "assigneeId", "lastActivityAt", "number")
  WHERE "status" IN ('new', 'in_progress', 'pending_family', 'pending_la');
