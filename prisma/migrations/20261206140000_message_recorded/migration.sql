-- (No semicolons or apostrophes in these comments: the migration runner splits
-- the script on semicolons without reading comments.)

-- A message row is written before its ticket workflow hears of it. recordedAt says
-- the workflow did (its save wrote the message_posted event), so a message whose
-- update was lost on the way is delivered again by the worker sweep rather than
-- deleted while its update may still apply (services/message-delivery.server.ts).
-- Every message written so far reached its workflow or was removed.
ALTER TABLE "Message" ADD COLUMN "recordedAt" TIMESTAMP(3);
UPDATE "Message" SET "recordedAt" = "createdAt";

-- The sweep reads only the few messages on their way: a tiny partial index.
CREATE INDEX "Message_unrecorded_idx" ON "Message" ("createdAt") WHERE "recordedAt" IS NULL;
