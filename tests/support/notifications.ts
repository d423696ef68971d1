import { randomUUID } from "node:crypto";
import type { EmailNotificationDocument, SmsNotificationDocument } from "../../shared/domain/notification";

const base = (orderId: string, at: string) => ({
  id: randomUUID(),
  orderId,
  creator: "991825827",
  created: at,
  statusChangedAt: at,
  expiry: new Date(Date.parse(at) + 48 * 3_600_000).toISOString(),
  sendAfter: at,
  sendingTimePolicy: "Anytime" as const,
  body: "Hello",
});

export function sampleEmail(orderId: string, at: string, overrides: Partial<EmailNotificationDocument> = {}) {
  const doc: Omit<EmailNotificationDocument, "_etag"> = {
    ...base(orderId, at),
    channel: "email",
    status: "New",
    recipient: { address: "someone@example.com" },
    from: "donotreply@varsel.local",
    subject: "Subject",
    contentType: "Plain",
    ...overrides,
  };
  return doc;
}

export function sampleSms(orderId: string, at: string, overrides: Partial<SmsNotificationDocument> = {}) {
  const doc: Omit<SmsNotificationDocument, "_etag"> = {
    ...base(orderId, at),
    channel: "sms",
    status: "New",
    recipient: { address: "+4799999999" },
    sender: "Varsel",
    ...overrides,
  };
  return doc;
}
