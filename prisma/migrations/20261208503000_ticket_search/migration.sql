-- Search over what was said. One row per ticket holds the words of its messages:
-- everyone (what the family may read) and staff (that and the internal notes).
-- Triggers on Message keep it, so every path that writes a message (the workflow
-- activities, the services, the sweep) keeps it without knowing. A row per ticket
-- rather than an index over a million messages: a common word matches a ticket
-- once, and btree_gin puts the organisation in the same index as the words.
-- The queries are in services/ticket-search.server.ts.
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE "TicketSearch" (
    "ticketId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "everyone" TSVECTOR NOT NULL DEFAULT ''::tsvector,
    "staff" TSVECTOR NOT NULL DEFAULT ''::tsvector,
    CONSTRAINT "TicketSearch_pkey" PRIMARY KEY ("ticketId"),
    CONSTRAINT "TicketSearch_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "TicketSearch_everyone_idx" ON "TicketSearch" USING GIN ("orgId", "everyone");
CREATE INDEX "TicketSearch_staff_idx" ON "TicketSearch" USING GIN ("orgId", "staff");

-- The words of the given tickets, read again from all their messages.
CREATE FUNCTION ticket_search_rebuild(ticket_ids UUID[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "TicketSearch" ("ticketId", "orgId", "everyone", "staff")
  SELECT t."id", t."orgId",
         to_tsvector('simple', coalesce(string_agg(m."body", ' ') FILTER (WHERE m."visibility" = 'public'), '')),
         to_tsvector('simple', coalesce(string_agg(m."body", ' '), ''))
  FROM "Ticket" t LEFT JOIN "Message" m ON m."ticketId" = t."id"
  WHERE t."id" = ANY(ticket_ids)
  GROUP BY t."id"
  ON CONFLICT ("ticketId") DO UPDATE SET "everyone" = EXCLUDED."everyone", "staff" = EXCLUDED."staff"
$$;

-- The trigger functions are plpgsql, whose statements end in semicolons, but the
-- migration runner splits the script at every semicolon. So each body is an E
-- string that spells its semicolons as the escape \073 and doubles its quotes.

-- A new message adds its words to its ticket row, without reading the others.
CREATE FUNCTION ticket_search_message_added() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "TicketSearch" ("ticketId", "orgId", "everyone", "staff")
  SELECT NEW."ticketId", t."orgId",
         CASE WHEN NEW."visibility" = ''public'' THEN to_tsvector(''simple'', NEW."body") ELSE ''''::tsvector END,
         to_tsvector(''simple'', NEW."body")
  FROM "Ticket" t WHERE t."id" = NEW."ticketId"
  ON CONFLICT ("ticketId") DO UPDATE SET
    "everyone" = "TicketSearch"."everyone" || EXCLUDED."everyone",
    "staff" = "TicketSearch"."staff" || EXCLUDED."staff"\073
  RETURN NULL\073
END';

-- An edited, moved or erased message: its tickets are read again.
CREATE FUNCTION ticket_search_message_changed() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''DELETE'' THEN
    PERFORM ticket_search_rebuild(ARRAY[OLD."ticketId"])\073
  ELSE
    PERFORM ticket_search_rebuild(ARRAY[OLD."ticketId", NEW."ticketId"])\073
  END IF\073
  RETURN NULL\073
END';

CREATE TRIGGER "Message_search_added" AFTER INSERT ON "Message"
  FOR EACH ROW EXECUTE FUNCTION ticket_search_message_added();
CREATE TRIGGER "Message_search_changed" AFTER UPDATE OF "body", "visibility", "ticketId" OR DELETE ON "Message"
  FOR EACH ROW EXECUTE FUNCTION ticket_search_message_changed();

SELECT ticket_search_rebuild(ARRAY(SELECT "id" FROM "Ticket"));

-- The child and the case reference are searched with the subject, in one index.
DROP INDEX "Ticket_subject_search_idx";
CREATE INDEX "Ticket_subject_search_idx" ON "Ticket" USING GIN (
  to_tsvector('simple', "subject" || ' ' || coalesce("childName", '') || ' ' || coalesce("caseRef", '')));
