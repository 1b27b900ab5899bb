-- Each advocate's capacity of active cases (null: no limit) and their
-- specialisms, set by admins in Settings, Team.
ALTER TABLE "Membership" ADD COLUMN "caseCapacity" INTEGER;
ALTER TABLE "Membership" ADD COLUMN "specialisms" "TicketType"[] NOT NULL DEFAULT ARRAY[]::"TicketType"[];

-- Why auto-assignment left a new request for triage, shown there.
ALTER TABLE "Ticket" ADD COLUMN "triageNote" TEXT;
