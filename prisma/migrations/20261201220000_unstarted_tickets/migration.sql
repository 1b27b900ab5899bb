-- (No semicolons or apostrophes in these comments: the migration runner splits
-- the script on semicolons without reading comments.)

-- The worker sweep looks for ticket rows their workflow never saved (stateVersion
-- is 0 until the first save), oldest first: services/ticket-creation.server.ts.
-- Almost every ticket has been saved, so this partial index stays tiny however
-- many tickets there are. Written by hand: the Prisma schema cannot express it.
CREATE INDEX "Ticket_unstarted_idx" ON "Ticket" ("createdAt") WHERE "stateVersion" = 0;
