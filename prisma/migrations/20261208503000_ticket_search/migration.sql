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

-- New messages add their words to their ticket rows without reading the others,
-- once per statement: a bulk insert is one upsert per ticket, not per message.
CREATE FUNCTION ticket_search_messages_added() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "TicketSearch" ("ticketId", "orgId", "everyone", "staff")
  SELECT a."ticketId", t."orgId",
         to_tsvector(''simple'', coalesce(string_agg(a."body", '' '') FILTER (WHERE a."visibility" = ''public''), '''')),
         to_tsvector(''simple'', string_agg(a."body", '' ''))
  FROM added a JOIN "Ticket" t ON t."id" = a."ticketId"
  GROUP BY a."ticketId", t."orgId"
  ON CONFLICT ("ticketId") DO UPDATE SET
    "everyone" = "TicketSearch"."everyone" || EXCLUDED."everyone",
    "staff" = "TicketSearch"."staff" || EXCLUDED."staff"\073
  RETURN NULL\073
END';

-- Erased messages: their tickets are read again, once per statement.
CREATE FUNCTION ticket_search_messages_erased() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM ticket_search_rebuild(ARRAY(SELECT DISTINCT "ticketId" FROM erased))\073
  RETURN NULL\073
END';

-- An edited or moved message (rare): its tickets are read again. A row trigger,
-- since only a row trigger can name the columns, and recording a message
-- (recordedAt) must not read its ticket again.
CREATE FUNCTION ticket_search_message_changed() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM ticket_search_rebuild(ARRAY[OLD."ticketId", NEW."ticketId"])\073
  RETURN NULL\073
END';

CREATE TRIGGER "Message_search_added" AFTER INSERT ON "Message"
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_messages_added();
CREATE TRIGGER "Message_search_erased" AFTER DELETE ON "Message"
  REFERENCING OLD TABLE AS erased FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_messages_erased();
CREATE TRIGGER "Message_search_changed" AFTER UPDATE OF "body", "visibility", "ticketId" ON "Message"
  FOR EACH ROW EXECUTE FUNCTION ticket_search_message_changed();

SELECT ticket_search_rebuild(ARRAY(SELECT "id" FROM "Ticket"));

-- The child and the case reference are searched with the subject, in one index.
DROP INDEX "Ticket_subject_search_idx";
CREATE INDEX "Ticket_subject_search_idx" ON "Ticket" USING GIN (
  to_tsvector('simple', "subject" || ' ' || coalesce("childName", '') || ' ' || coalesce("caseRef", '')));
