import { describe, expect, it } from "vitest";
import { z } from "zod";
import { futureOrderRequestSchema } from "../../shared/domain/requests/futureOrder";
import {
  instantEmailOrderRequestSchema,
  instantSmsOrderRequestSchema,
} from "../../shared/domain/requests/instantOrder";
import {
  legacyEmailOrderRequestSchema,
  legacyOrderRequestSchema,
  legacySmsOrderRequestSchema,
} from "../../shared/domain/requests/legacyOrder";

interface JsonSchemaNode {
  type?: string;
  description?: string;
  required?: string[];
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  enum?: string[];
  default?: unknown;
  format?: string;
  pattern?: string;
}

const exportInput = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;

/** The node at `path` (property names; `[]` steps into array items). */
function nodeAt(root: JsonSchemaNode, path: string[]): JsonSchemaNode | undefined {
  let node: JsonSchemaNode | undefined = root;
  for (const step of path) node = step === "[]" ? node?.items : node?.properties?.[step];
  return node;
}

const requestSchemas: [string, z.ZodType, string[]][] = [
  ["POST future/orders", futureOrderRequestSchema, ["idempotencyId", "recipient"]],
  ["POST orders", legacyOrderRequestSchema, ["recipients", "notificationChannel"]],
  ["POST orders/email", legacyEmailOrderRequestSchema, ["recipients", "subject", "body"]],
  ["POST orders/sms", legacySmsOrderRequestSchema, ["recipients", "body"]],
  ["POST future/orders/instant/sms", instantSmsOrderRequestSchema, ["idempotencyId", "recipientSms"]],
  ["POST future/orders/instant/email", instantEmailOrderRequestSchema, ["idempotencyId", "recipientEmail"]],
];

describe.each(requestSchemas)("JSON Schema of %s", (_, schema, required) => {
  const jsonSchema = exportInput(schema);

  it("is an object with a description", () => {
    expect(jsonSchema.type).toBe("object");
    expect(jsonSchema.description).toMatch(/\S/);
  });

  it("lists exactly the required top-level fields", () => {
    expect([...(jsonSchema.required ?? [])].sort()).toEqual([...required].sort());
  });

  it("does not forbid unknown properties (they are ignored)", () => {
    expect(jsonSchema).not.toHaveProperty("additionalProperties", false);
  });
});

describe("JSON Schema details a client generator needs", () => {
  const future = exportInput(futureOrderRequestSchema);
  const legacy = exportInput(legacyOrderRequestSchema);
  const instantSms = exportInput(instantSmsOrderRequestSchema);

  it.each<[string, JsonSchemaNode, string[], Partial<JsonSchemaNode>]>([
    [
      "channel schemas as an enum, with the person default",
      future,
      ["recipient", "recipientPerson", "channelSchema"],
      { enum: ["Email", "Sms", "EmailPreferred", "SmsPreferred", "EmailAndSms"], default: "EmailPreferred" },
    ],
    [
      "email content types with their default",
      future,
      ["recipient", "recipientEmail", "emailSettings", "contentType"],
      { enum: ["Plain", "Html"], default: "Plain" },
    ],
    [
      "the SMS sending time policy default",
      future,
      ["recipient", "recipientSms", "smsSettings", "sendingTimePolicy"],
      { enum: ["Daytime", "Anytime"], default: "Daytime" },
    ],
    ["send times as date-times", future, ["requestedSendTime"], { type: "string", format: "date-time" }],
    [
      "the resource id pattern",
      future,
      ["recipient", "recipientOrganization", "resourceId"],
      { pattern: "^urn:altinn:resource:.+$" },
    ],
    [
      "the reminder delay with its bounds (1 day to the scheduling horizon)",
      future,
      ["reminders", "[]", "delayDays"],
      { type: "integer", minimum: 1, maximum: 3653 } as Partial<JsonSchemaNode>,
    ],
    [
      "the varsel condition failure policy",
      future,
      ["conditionFailurePolicy"],
      { enum: ["send", "skip"], default: "send" },
    ],
    [
      "v1 notification channels",
      legacy,
      ["notificationChannel"],
      { enum: ["Email", "Sms", "EmailPreferred", "SmsPreferred", "EmailAndSms"] },
    ],
    [
      "the instant SMS time-to-live bounds",
      instantSms,
      ["recipientSms", "timeToLiveInSeconds"],
      { minimum: 60, maximum: 172_800 } as Partial<JsonSchemaNode>,
    ],
  ])("has %s", (_, root, path, expected) => {
    expect(nodeAt(root, path)).toMatchObject(expected);
  });

  it("states the scheduling horizon on every send time (JSON Schema has no relative date maximum)", () => {
    const sendTimes = [
      nodeAt(future, ["requestedSendTime"]),
      nodeAt(future, ["reminders", "[]", "requestedSendTime"]),
      nodeAt(legacy, ["requestedSendTime"]),
    ];
    for (const node of sendTimes) {
      expect(node).toMatchObject({ type: "string", format: "date-time" });
      expect(node?.description).toContain("at most 3653 days (10 years) after the request");
    }
  });

  it("marks what each recipient kind requires", () => {
    expect(nodeAt(future, ["recipient", "recipientOrganization"])?.required).toEqual([
      "orgNumber",
      "channelSchema",
    ]);
    expect(nodeAt(future, ["recipient", "recipientSms"])?.required).toEqual(["phoneNumber", "smsSettings"]);
    expect(nodeAt(future, ["reminders", "[]"])?.required).toEqual(["recipient"]);
  });
});
