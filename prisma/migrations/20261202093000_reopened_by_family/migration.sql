-- Staff are told when a family pressed Reopen without writing ("Family reopened"),
-- rather than "Family replied". The workflow keeps the flag. Open tickets whose
-- latest family reopening has no public message after it start with it set.
ALTER TABLE "Ticket" ADD COLUMN "reopenedByFamily" BOOLEAN NOT NULL DEFAULT false;

UPDATE "Ticket" t SET "reopenedByFamily" = true
WHERE t."status" NOT IN ('resolved', 'closed')
  AND EXISTS (
    SELECT 1 FROM "TicketEvent" reopened
    WHERE reopened."ticketId" = t."id"
      AND reopened."kind" = 'status_changed'
      AND reopened."data"->>'reason' = 'reopened by the family'
      AND NOT EXISTS (
        SELECT 1 FROM "TicketEvent" later
        WHERE later."ticketId" = t."id"
          AND later."seq" > reopened."seq"
          AND later."kind" = 'message_posted'
          AND later."data"->>'visibility' = 'public'
      )
  );
