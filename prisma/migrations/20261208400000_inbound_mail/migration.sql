-- Inbound mail: each mail stored before it is acknowledged, then processed once.
CREATE TABLE "InboundMail" (
    "id" UUID NOT NULL,
    "messageKey" TEXT NOT NULL,
    "raw" BYTEA NOT NULL,
    "via" TEXT NOT NULL,
    "mailFrom" TEXT,
    "rcptTo" TEXT[],
    "state" TEXT NOT NULL DEFAULT 'received',
    "outcome" TEXT,
    "detail" TEXT,
    "claimedUntil" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),
    "sender" TEXT,
    "ticketId" UUID,
    "messageId" UUID,

    CONSTRAINT "InboundMail_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "InboundMail_messageKey_key" ON "InboundMail"("messageKey");
CREATE UNIQUE INDEX "InboundMail_messageId_key" ON "InboundMail"("messageId");
CREATE INDEX "InboundMail_state_receivedAt_idx" ON "InboundMail"("state", "receivedAt");
CREATE INDEX "InboundMail_sender_receivedAt_idx" ON "InboundMail"("sender", "receivedAt");
