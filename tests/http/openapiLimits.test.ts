import { describe, expect, it } from "vitest";
import { maxLegacyRecipients, maxReminders, maxTextLength } from "../../shared/domain/requests/limits";
import { openApiDocument, operations } from "../../shared/http/openapi";

const document = openApiDocument("http://localhost:7071/notifications/api/v1");
type Schema = { properties: Record<string, Schema>; items: Schema; maxItems?: number; maxLength?: number };
const schemas = document.components.schemas as unknown as Record<string, Schema>;

describe("OpenAPI: the limits of issue 17", () => {
  it("gives every list its maxItems and text its maxLength, from the constants that validate", () => {
    const chain = schemas["NotificationOrderChainRequest"]!;
    expect(chain.properties["reminders"]!.maxItems).toBe(maxReminders);
    expect(chain.properties["idempotencyId"]!.maxLength).toBe(maxTextLength.reference);
    const email = chain.properties["recipient"]!.properties["recipientEmail"]!;
    expect(email.properties["emailAddress"]!.maxLength).toBe(maxTextLength.emailAddress);
    expect(email.properties["emailSettings"]!.properties["subject"]!.maxLength).toBe(
      maxTextLength.emailSubject,
    );
    expect(email.properties["emailSettings"]!.properties["body"]!.maxLength).toBe(maxTextLength.emailBody);
    const legacySms = schemas["SmsNotificationOrderRequest"]!;
    expect(legacySms.properties["recipients"]!.maxItems).toBe(maxLegacyRecipients);
    expect(legacySms.properties["body"]!.maxLength).toBe(maxTextLength.smsBody);
  });

  it("documents 415 for every JSON request body, and states the size limits", () => {
    for (const op of operations.filter((o) => o.requestBody)) {
      expect(op.responses["415"], op.operationId).toMatch(/application\/json/);
    }
    expect(document.info.description).toContain("nested at most 64 deep");
    expect(document.info.description).toContain("At most 20 reminders per order and 10000 recipients");
  });
});
