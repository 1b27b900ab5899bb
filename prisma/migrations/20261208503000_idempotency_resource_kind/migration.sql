-- An idempotency record now names the kind of resource it made (ticket, case or next action).
-- Every record written before named a ticket.
UPDATE "IdempotencyRecord" SET "response" = "response" || '{"kind": "ticket"}'::jsonb WHERE "response" IS NOT NULL AND NOT ("response" ? 'kind');
