import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportCredentials, startHarness, type Harness } from "../fuzz/harness";

/**
 * The hand-made cases of issue 17's hostile-client run, each once more against the real handlers: what gave a
 * 500, hung or was accepted then, and what it gets now.
 */

let harness: Harness;
let counter = 0;
beforeAll(async () => {
  harness = await startHarness();
}, 60_000);
afterAll(() => harness.close());

const emailRecipient = {
  recipientEmail: { emailAddress: "ola@eksempel.no", emailSettings: { subject: "S", body: "B" } },
};

async function post(
  operationId: string,
  body: string | Buffer,
  contentType: string | null = "application/json",
) {
  const answer = await harness.call({
    operationId,
    method: "POST",
    headers: {
      authorization: `Bearer ${harness.tokens.valid}`,
      ...(contentType === null ? {} : { "content-type": contentType }),
    },
    body: typeof body === "string" ? Buffer.from(body, "utf8") : body,
  });
  return {
    ...answer,
    problem: answer.status >= 400 ? (JSON.parse(answer.text) as Record<string, unknown>) : undefined,
  };
}

const order = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ idempotencyId: `hostile-${counter++}`, recipient: emailRecipient, ...extra });

describe("issue 17: what answered 5xx", () => {
  it("a valid order with 5,000 nested arrays under an ignored key is a 400 naming the field, not a 500", async () => {
    const body = order().replace(/^\{/, `{"ignored":${"[".repeat(5_000)}${"]".repeat(5_000)},`);
    const answer = await post("createOrderChain", body);
    expect(answer.status).toBe(400);
    const errors = answer.problem!["errors"] as Record<string, string[]>;
    expect(Object.keys(errors)).toEqual([`ignored${"[0]".repeat(63)}`]);
  });

  it("10,000 nested objects under an ignored key are a 400 as well", async () => {
    const body = order().replace(/^\{/, `{"x":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)},`);
    expect((await post("createOrderChain", body)).status).toBe(400);
  });

  it.each([1e8, 1e21, 2 ** 31])(
    "reminders[].delayDays = %d is a 400 with the field path",
    async (delayDays) => {
      const answer = await post(
        "createOrderChain",
        order({ reminders: [{ delayDays, recipient: emailRecipient }] }),
      );
      expect(answer.status).toBe(400);
      expect(answer.problem!["errors"]).toEqual({
        "reminders[0].delayDays": ["DelayDays must be less than or equal to 3653 days (10 years)."],
      });
    },
  );
});

describe("issue 17: what hung", () => {
  it("3,000 reminders (373 KiB) are refused at once, and nothing is stored", async () => {
    const reminders = Array.from({ length: 3_000 }, (_, i) => ({
      delayDays: 1 + (i % 30),
      recipient: emailRecipient,
    }));
    const answer = await post("createOrderChain", order({ reminders }));
    expect(answer.status).toBe(400);
    expect(answer.problem!["errors"]).toEqual({
      reminders: ["The field Reminders must be a string or array type with a maximum length of '20'."],
    });
    expect(answer.ms).toBeLessThan(1_000);
  });

  it("20 reminders, the most, are registered well within the bound", async () => {
    const reminders = Array.from({ length: 20 }, (_, i) => ({ delayDays: i + 1, recipient: emailRecipient }));
    const answer = await post("createOrderChain", order({ reminders }));
    expect(answer.status).toBe(201);
    expect(
      (JSON.parse(answer.text) as { notification: { reminders: unknown[] } }).notification.reminders,
    ).toHaveLength(20);
    expect(answer.ms).toBeLessThan(5_000);
  });
});

describe("legacy recipients at the limits", () => {
  const recipients = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ emailAddress: `r${i}@example.com` }));

  it("10,000 recipients, the most, are registered within the bound", async () => {
    const answer = await post(
      "createEmailOrder",
      JSON.stringify({ subject: "S", body: "B", recipients: recipients(10_000) }),
    );
    expect(answer.status).toBe(202);
    expect(answer.ms).toBeLessThan(5_000);
  });

  it("a body at the 1 MiB limit full of recipients is refused by count, at once", async () => {
    const body = JSON.stringify({ subject: "S", body: "B", recipients: recipients(40_000) }).slice(
      0,
      1024 * 1024 - 2,
    );
    const full = `${body.slice(0, body.lastIndexOf("},") + 1)}]}`;
    expect(Buffer.byteLength(full)).toBeLessThanOrEqual(1024 * 1024);
    const answer = await post("createEmailOrder", full);
    expect(answer.status).toBe(400);
    expect(answer.problem!["errors"]).toEqual({
      recipients: ["The field Recipients must be a string or array type with a maximum length of '10000'."],
    });
    expect(answer.ms).toBeLessThan(1_000);
  });
});

describe("issue 17: lenient bytes", () => {
  it("invalid UTF-8 in a subject is a 400 naming the subject, not a U+FFFD sent on", async () => {
    const [before, after] = order().split('"S"');
    const body = Buffer.concat([
      Buffer.from(`${before}"S`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(`"${after}`),
    ]);
    const answer = await post("createOrderChain", body);
    expect(answer.status).toBe(400);
    expect(answer.problem!["errors"]).toEqual({
      "recipient.recipientEmail.emailSettings.subject": [
        "The value is not valid UTF-8 (byte 0xC3 at position 1).",
      ],
    });
  });

  it.each([
    ["a NUL in the body", '"B"', '"B\\u0000"', "recipient.recipientEmail.emailSettings.body"],
    ["a lone surrogate in the subject", '"S"', '"\\ud800"', "recipient.recipientEmail.emailSettings.subject"],
  ])("%s is a 400 with the field path", async (_, from, to, path) => {
    const answer = await post("createOrderChain", order().replace(from, to));
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.problem!["errors"] as object)).toEqual([path]);
  });

  it("an SMS body with an escape sequence is refused on the legacy route too", async () => {
    const answer = await post(
      "createSmsOrder",
      JSON.stringify({ body: "\u001b[2J", recipients: [{ mobileNumber: "+4798765432" }] }),
    );
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.problem!["errors"] as object)).toEqual(["body"]);
  });

  it.each([
    ["text/plain", order()],
    ["application/xml", "<order><idempotencyId>x</idempotencyId></order>"],
    ["application/x-www-form-urlencoded", "idempotencyId=x&recipient=y"],
    [
      "multipart/form-data; boundary=b",
      `--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n${order()}\r\n--b--`,
    ],
    [null, order()],
  ])("Content-Type %j is a 415 problem, as ASP.NET answers", async (contentType, body) => {
    const answer = await post("createOrderChain", body, contentType);
    expect(answer.status).toBe(415);
    expect(answer.headers.get("content-type")).toBe("application/problem+json");
    expect(answer.problem).toMatchObject({ status: 415, title: "Unsupported Media Type" });
  });
});

describe("query strings", () => {
  async function get(operationId: string, query: Record<string, string>) {
    return harness.call({
      operationId,
      method: "GET",
      query,
      headers: { authorization: `Bearer ${harness.tokens.valid}` },
    });
  }

  it.each(["99999999999999999999999", "9007199254740992"])(
    "feed seq=%s is a 400, not a store error",
    async (seq) => {
      const answer = await get("getStatusFeed", { seq });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toMatchObject({
        errors: { seq: ["Sequence number cannot be greater than 9007199254740991."] },
      });
    },
  );

  it("feed seq at the largest safe integer is read", async () => {
    expect((await get("getStatusFeed", { seq: "9007199254740991" })).status).toBe(200);
  });

  it("a sendersReference longer than any order can have, or with a control character, is a 400", async () => {
    const long = await get("listOrders", { sendersReference: "x".repeat(10_000) });
    expect(long.status).toBe(400);
    expect(JSON.parse(long.text)).toMatchObject({
      errors: {
        sendersReference: [
          "The length of 'Senders Reference' must be 256 characters or fewer. You entered 10000 characters.",
        ],
      },
    });
    expect((await get("listOrders", { sendersReference: "a\u0000" })).status).toBe(400);
  });
});

describe("tokens", () => {
  it("an Authorization header of 8 KiB is a 401", async () => {
    const answer = await harness.call({
      operationId: "getStatusFeed",
      method: "GET",
      headers: { authorization: `Bearer ${"a".repeat(8 * 1024)}` },
    });
    expect(answer.status).toBe(401);
  });

  it("a token that expired a second ago is a 401 (no clock skew, as Altinn)", async () => {
    const answer = await harness.call({
      operationId: "getStatusFeed",
      method: "GET",
      headers: { authorization: `Bearer ${harness.tokens.expired}` },
    });
    expect(answer.status).toBe(401);
  });
});

describe("LINK delivery reports", () => {
  const report =
    '<?xml version="1.0"?><MSGLST><MSG><ID>1</ID><REF>gw-1</REF><RCV>4798765432</RCV><STATE>DELIVRD</STATE></MSG></MSGLST>';
  const authorization = `Basic ${Buffer.from(`${reportCredentials.username}:${reportCredentials.password}`).toString("base64")}`;
  const postReport = (body: Buffer, contentType: string | null) =>
    harness.call({
      operationId: "receiveSmsDeliveryReport",
      method: "POST",
      headers: { authorization, ...(contentType === null ? {} : { "content-type": contentType }) },
      body,
    });

  it.each(["application/xml", "text/xml; charset=iso-8859-1", "text/plain"])(
    "takes a report sent as %s",
    async (type) => {
      expect((await postReport(Buffer.from(report), type)).status).toBe(200);
    },
  );

  it.each(["application/json", "application/x-www-form-urlencoded", null])(
    "answers Content-Type %j with 415",
    async (type) => {
      expect((await postReport(Buffer.from(report), type)).status).toBe(415);
    },
  );

  it("answers a report that is not UTF-8 with 400", async () => {
    const answer = await postReport(
      Buffer.concat([Buffer.from(report.slice(0, 60)), Buffer.from([0xff]), Buffer.from(report.slice(60))]),
      "application/xml",
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({
      errors: { "": ["The body is not valid UTF-8 (byte 60)."] },
    });
  });
});
