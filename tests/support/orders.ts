import { randomUUID } from "node:crypto";
import type { NewOrder } from "../../shared/domain/order";

/** A minimal registered email order for store and use-case tests. */
export function sampleOrder(overrides: Partial<NewOrder> = {}): NewOrder {
  const now = new Date("2026-11-23T10:00:00.000Z");
  return {
    id: randomUUID(),
    creator: "991825827",
    api: "v2",
    type: "Notification",
    sendersReference: "ref-1",
    requestedSendTime: new Date(now.getTime() + 3_600_000).toISOString(),
    created: now.toISOString(),
    notificationChannel: "Email",
    conditionFailurePolicy: "send",
    recipients: [{ emailAddress: "someone@example.com" }],
    emailTemplate: {
      fromAddress: "donotreply@varsel.local",
      subject: "Hello",
      body: "Body",
      contentType: "Plain",
      sendingTimePolicy: "Anytime",
    },
    status: "Registered",
    statusChangedAt: now.toISOString(),
    releaseCount: 0,
    ...overrides,
  };
}
