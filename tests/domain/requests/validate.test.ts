import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseIsoDateTime } from "../../../shared/domain/requests/sendTime";
import { atRequestTime, currentRequestTime } from "../../../shared/domain/requests/requestTime";
import { fieldPath, validate } from "../../../shared/domain/requests/validate";

const now = new Date("2026-11-23T10:00:00.000Z");

describe("fieldPath", () => {
  it.each<[PropertyKey[], string]>([
    [[], ""],
    [["idempotencyId"], "idempotencyId"],
    [["recipient", "recipientEmail", "emailAddress"], "recipient.recipientEmail.emailAddress"],
    [["reminders", 0, "delayDays"], "reminders[0].delayDays"],
    [["recipients", 2], "recipients[2]"],
    [["a", 1, 2, "b"], "a[1][2].b"],
  ])("%j → %j", (path, key) => {
    expect(fieldPath(path)).toBe(key);
  });
});

describe("validate", () => {
  const schema = z.object({
    name: z.string(),
    count: z.int().optional(),
    flag: z.boolean().optional(),
    tags: z.array(z.string()).optional(),
    nested: z.object({ value: z.number() }).optional(),
  });

  it("returns the parsed value without unknown properties", () => {
    expect(validate(schema, { name: "a", extra: true }, { now })).toEqual({ ok: true, value: { name: "a" } });
  });

  it("treats null properties as absent, at any depth", () => {
    expect(validate(schema, { name: "a", count: null, nested: { value: 1, other: null } }, { now })).toEqual({
      ok: true,
      value: { name: "a", nested: { value: 1 } },
    });
  });

  it("names the field of a missing required property the way ASP.NET does", () => {
    expect(validate(schema, { name: null }, { now })).toEqual({
      ok: false,
      errors: { name: ["The Name field is required."] },
    });
  });

  it.each<[string, unknown, string, string]>([
    ["string", { name: 1 }, "name", "The field must be a string."],
    ["integer", { name: "a", count: 1.5 }, "count", "The field must be an integer."],
    ["boolean", { name: "a", flag: "true" }, "flag", "The field must be a boolean."],
    ["array", { name: "a", tags: "x" }, "tags", "The field must be an array."],
    ["array item", { name: "a", tags: ["x", 2] }, "tags[1]", "The field must be a string."],
    ["object", { name: "a", nested: 5 }, "nested", "The field must be an object."],
    ["number", { name: "a", nested: { value: "5" } }, "nested.value", "The field must be a number."],
  ])("reports a wrong JSON type (%s) at the field", (_, body, key, message) => {
    expect(validate(schema, body, { now })).toEqual({ ok: false, errors: { [key]: [message] } });
  });

  it("keeps a __proto__ key in the JSON as data: it cannot supply fields through the prototype", () => {
    const body: unknown = JSON.parse('{"__proto__": {"name": "injected"}}');
    expect(validate(schema, body, { now })).toEqual({
      ok: false,
      errors: { name: ["The Name field is required."] },
    });
  });

  it("answers a hostile, deeply nested body with a validation error, not a crash", () => {
    const deep: unknown = JSON.parse(`{"name": "a", "tags": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
    expect(validate(schema, deep, { now })).toEqual({
      ok: false,
      errors: { "tags[0]": ["The field must be a string."] },
    });
  });

  it.each([null, [], "text", 42])("reports a body that is not an object (%j) under the empty key", (body) => {
    expect(validate(schema, body, { now })).toEqual({
      ok: false,
      errors: { "": ["The request body must be a JSON object."] },
    });
  });

  it("binds the request time only while it parses", () => {
    const seen = z.string().transform(() => currentRequestTime().toISOString());
    expect(validate(seen, "x", { now })).toEqual({ ok: true, value: now.toISOString() });
    expect(currentRequestTime()).not.toEqual(now);
  });

  it("restores the previous request time when parsing throws", () => {
    const outer = new Date("2020-01-01T00:00:00Z");
    atRequestTime(outer, () => {
      expect(() =>
        atRequestTime(now, () => {
          throw new Error("boom");
        }),
      ).toThrow("boom");
      expect(currentRequestTime()).toEqual(outer);
    });
  });
});

describe("parseIsoDateTime", () => {
  it.each([
    ["2026-12-01T08:00:00Z", "2026-12-01T08:00:00.000Z"],
    ["2026-12-01T08:00:00z", "2026-12-01T08:00:00.000Z"],
    ["2026-12-01T08:00Z", "2026-12-01T08:00:00.000Z"],
    ["2026-12-01T08:00:00.5+01:00", "2026-12-01T07:00:00.500Z"],
    ["2026-12-01T00:30:00-02:30", "2026-12-01T03:00:00.000Z"],
    ["2028-02-29T12:00:00+14:00", "2028-02-28T22:00:00.000Z"],
  ])("reads %s as %s", (text, iso) => {
    const parsed = parseIsoDateTime(text);
    expect(parsed instanceof Date ? parsed.toISOString() : parsed).toBe(iso);
  });

  it.each(["2026-12-01T08:00:00", "2026-12-01T08:00", "2026-12-01"])(
    "tells %s apart as having no time zone",
    (text) => {
      expect(parseIsoDateTime(text)).toBe("no-time-zone");
    },
  );

  it.each([
    "2027-02-29T08:00:00Z",
    "2026-13-01T08:00:00Z",
    "2026-12-01T24:00:00Z",
    "2026-12-01T08:60:00Z",
    "2026-12-01T08:00:00+15:00",
    "2026-12-01T08:00:00+0100",
    "01.12.2026 08:00",
    "",
  ])("rejects %j", (text) => {
    expect(parseIsoDateTime(text)).toBe("invalid");
  });
});
