-- Ticket templates, written by services/ticket-templates.server.ts
CREATE TABLE "TicketTemplate" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "type" "TicketType" NOT NULL,
    "name" TEXT NOT NULL,
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "priority" "Priority",
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TicketTemplate_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "TicketTemplate_orgId_type_name_key" ON "TicketTemplate"("orgId", "type", "name");

-- At most one default per organisation and type, whatever two admins do at once
CREATE UNIQUE INDEX "TicketTemplate_one_default_per_type" ON "TicketTemplate"("orgId", "type") WHERE "isDefault";

ALTER TABLE "TicketTemplate" ADD CONSTRAINT "TicketTemplate_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "TicketTemplateItem" (
    "id" UUID NOT NULL,
    "templateId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "staffOnly" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "TicketTemplateItem_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "TicketTemplateItem_templateId_position_idx" ON "TicketTemplateItem"("templateId", "position");

ALTER TABLE "TicketTemplateItem" ADD CONSTRAINT "TicketTemplateItem_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "TicketTemplate"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Which template a ticket took its checklist from: content, not lifecycle
ALTER TABLE "Ticket" ADD COLUMN "templateId" UUID;
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "TicketTemplate"("id") ON DELETE SET NULL ON UPDATE CASCADE;
