-- Mail: each person's choices, the last permanent refusal of their address, and when a notice's mail was sent.
ALTER TABLE "User" ADD COLUMN "mailChoices" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN "mailProblem" TEXT,
ADD COLUMN "mailProblemAt" TIMESTAMP(3);

ALTER TABLE "Notification" ADD COLUMN "mailedAt" TIMESTAMP(3);
