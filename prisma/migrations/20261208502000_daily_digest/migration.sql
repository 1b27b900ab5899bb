-- CreateTable
CREATE TABLE "DigestMail" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "mailedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DigestMail_pkey" PRIMARY KEY ("id")
);

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN "digestId" UUID;

-- CreateIndex
CREATE UNIQUE INDEX "DigestMail_dedupeKey_key" ON "DigestMail"("dedupeKey");

-- AddForeignKey
ALTER TABLE "DigestMail" ADD CONSTRAINT "DigestMail_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_digestId_fkey" FOREIGN KEY ("digestId") REFERENCES "DigestMail"("id") ON DELETE SET NULL ON UPDATE CASCADE;
