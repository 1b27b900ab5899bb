-- Growing delays for sign-in and password reset attempts, shared by every web
-- server (services/auth-throttle.server.ts). Each key is an action, a subject
-- and a digest: no email or address is stored. Times carry their zone because the
-- throttle compares them with now() in SQL. The index on lastAt serves the
-- removal of keys untouched for a day.
CREATE TABLE "AuthThrottle" (
    "key" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "lastAt" TIMESTAMPTZ(3) NOT NULL,
    "blockedUntil" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AuthThrottle_pkey" PRIMARY KEY ("key")
);

CREATE INDEX "AuthThrottle_lastAt_idx" ON "AuthThrottle"("lastAt");
