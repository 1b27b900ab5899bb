-- Staff-started conversations: a ticket kind, the document a request asks for, and the checklist item the family file ticks
CREATE TYPE "TicketKind" AS ENUM ('ticket', 'conversation');

ALTER TABLE "Ticket" ADD COLUMN "kind" "TicketKind" NOT NULL DEFAULT 'ticket';
ALTER TABLE "Ticket" ADD COLUMN "requestedDocument" TEXT;

ALTER TABLE "ChecklistItem" ADD COLUMN "awaitsFamilyFile" BOOLEAN NOT NULL DEFAULT false;
