/** Parsing ACS `EmailDeliveryReportReceived` events as Event Grid puts them on a Service Bus queue. */
import { describe, expect, it } from "vitest";
import { parseEmailDeliveryReport } from "../../../shared/adapters/acs/emailDeliveryReport";

const messageId = "0b5f8a52-7d3c-4c47-9d8e-2f1f3b8f6a11";

function data(overrides: Record<string, unknown> = {}) {
  return {
    sender: "noreply@varsel.example",
    recipient: "kari.nordmann@example.no",
    messageId,
    status: "Delivered",
    deliveryStatusDetails: { statusMessage: "No error.", recipientMailServerHostName: "mx.example.no" },
    deliveryAttemptTimestamp: "2026-05-04T10:00:00.123Z",
    ...overrides,
  };
}

function eventGridEvent(
  dataOverrides: Record<string, unknown> = {},
  eventType = "Microsoft.Communication.EmailDeliveryReportReceived",
) {
  return {
    id: "3f1b6c0e-0000-4000-8000-000000000001",
    topic: "/subscriptions/s/resourceGroups/g/providers/microsoft.communication/communicationservices/acs",
    subject: `sender/noreply@varsel.example/message/${messageId}`,
    data: data(dataOverrides),
    eventType,
    dataVersion: "1.0",
    metadataVersion: "1",
    eventTime: "2026-05-04T10:00:00Z",
  };
}

function cloudEvent(dataOverrides: Record<string, unknown> = {}) {
  return {
    id: "3f1b6c0e-0000-4000-8000-000000000002",
    source: "/subscriptions/s/resourceGroups/g/providers/microsoft.communication/communicationservices/acs",
    specversion: "1.0",
    type: "Microsoft.Communication.EmailDeliveryReportReceived",
    subject: `sender/noreply@varsel.example/message/${messageId}`,
    time: "2026-05-04T10:00:00Z",
    data: data(dataOverrides),
  };
}

describe("parseEmailDeliveryReport", () => {
  it.each([
    ["Delivered", "Delivered"],
    ["Expanded", "Failed"],
    ["Failed", "Failed"],
    ["Bounced", "Failed_Bounced"],
    ["FilteredSpam", "Failed_FilteredSpam"],
    ["Quarantined", "Failed_Quarantined"],
    ["Suppressed", "Failed_SupressedRecipient"],
  ])("maps ACS status %s to %s", (acsStatus, expected) => {
    const event = eventGridEvent({ status: acsStatus });

    expect(parseEmailDeliveryReport(event)).toEqual([
      {
        valid: true,
        provider: "acs",
        reference: messageId,
        operationId: messageId,
        status: expected,
        deliveryStatusDetails: { statusMessage: "No error.", recipientMailServerHostName: "mx.example.no" },
        raw: event,
      },
    ]);
  });

  it("reads the CloudEvents schema too", () => {
    expect(parseEmailDeliveryReport(cloudEvent({ status: "Bounced" }))).toMatchObject([
      { valid: true, operationId: messageId, status: "Failed_Bounced" },
    ]);
  });

  it("reads a JSON string, bytes, and an array of events (one report each, raw = that event)", () => {
    const first = eventGridEvent();
    const second = cloudEvent({ messageId: "9c1e2d4f-1111-4222-8333-444455556666", status: "Quarantined" });

    const fromString = parseEmailDeliveryReport(JSON.stringify([first, second]));
    const fromBytes = parseEmailDeliveryReport(Buffer.from(JSON.stringify(first)));

    expect(fromString).toMatchObject([
      { valid: true, operationId: messageId, status: "Delivered", raw: first },
      {
        valid: true,
        operationId: "9c1e2d4f-1111-4222-8333-444455556666",
        status: "Failed_Quarantined",
        raw: second,
      },
    ]);
    expect(fromBytes).toMatchObject([{ valid: true, operationId: messageId }]);
    expect(parseEmailDeliveryReport(fromString[1]!.raw)).toEqual([fromString[1]]);
  });

  it("leaves details out when ACS sends none", () => {
    const [report] = parseEmailDeliveryReport(eventGridEvent({ deliveryStatusDetails: null }));

    expect(report).toMatchObject({ valid: true });
    expect(report).not.toHaveProperty("deliveryStatusDetails");
  });

  it.each([
    ["an unknown status", eventGridEvent({ status: "Pending" }), /unknown delivery status "Pending"/],
    ["a missing status", eventGridEvent({ status: undefined }), /unknown delivery status null/],
    ["a missing messageId", eventGridEvent({ messageId: undefined }), /missing messageId/],
    ["a blank messageId", eventGridEvent({ messageId: "  " }), /event data is not an email delivery report/],
    [
      "another event type",
      eventGridEvent({}, "Microsoft.Communication.EmailEngagementTrackingReportReceived"),
      /unexpected event type/,
    ],
    ["data that is not an object", { ...eventGridEvent(), data: "Delivered" }, /event data is not/],
    ["something that is not an event", { hello: "world" }, /not an Event Grid or CloudEvents event/],
    ["a number", 42, /not an Event Grid or CloudEvents event/],
    ["text that is not JSON", "Delivered!", /body is not JSON/],
    ["an empty array", [], /empty event array/],
  ])("turns %s into a typed invalid report that keeps the payload", (_name, payload, reason) => {
    const reports = parseEmailDeliveryReport(payload);

    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      valid: false,
      provider: "acs",
      reason: expect.stringMatching(reason),
    });
    expect(reports[0]?.raw).toBeDefined();
  });

  it("keeps valid events of a batch when one is invalid", () => {
    const reports = parseEmailDeliveryReport([eventGridEvent(), eventGridEvent({ status: "Nope" })]);

    expect(reports.map((r) => r.valid)).toEqual([true, false]);
  });

  it("never puts the recipient address into an invalid report's reason", () => {
    const [report] = parseEmailDeliveryReport(eventGridEvent({ status: "Weird" }));

    expect(report?.valid).toBe(false);
    expect(JSON.stringify(report && "reason" in report ? report.reason : "")).not.toContain("kari.nordmann");
  });
});
