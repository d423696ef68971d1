import { HttpRequest } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { maxBodyBytes, maxJsonDepth } from "../../shared/domain/requests/limits";
import {
  checkJsonContentType,
  decodeUtf8KeepingInvalidBytes,
  firstInvalidUtf8Byte,
  jsonProblems,
  parseJsonBody,
  PayloadTooLargeError,
  readJsonBody,
  textProblem,
  UnsupportedMediaTypeError,
} from "../../shared/http/body";
import { isAppError } from "../../shared/errors";

/** A request as the host passes it (bytes, so no Content-Type is made up); `null` sends none. */
function request(body: string, contentType: string | null = "application/json") {
  return new HttpRequest({
    method: "POST",
    url: "http://localhost/notifications/api/v1/future/orders",
    headers: contentType === null ? {} : { "content-type": contentType },
    body: { bytes: Buffer.from(body, "utf8") },
  });
}

/** The errors of the 400 a body gets, or "accepted". */
function errorsOf(bytes: string | Uint8Array): Record<string, string[]> | "accepted" {
  try {
    parseJsonBody(typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes);
    return "accepted";
  } catch (error) {
    if (isAppError(error) && error.kind === "validation") return error.details.errors ?? {};
    throw error;
  }
}

describe("Content-Type", () => {
  it.each([
    "application/json",
    "Application/JSON",
    "application/json; charset=utf-8",
    'application/json;charset="UTF-8"',
    "application/json; charset=utf8; foo=bar",
  ])("accepts %s", (type) => {
    expect(() => checkJsonContentType(type)).not.toThrow();
  });

  it.each([
    null,
    "",
    "text/plain",
    "application/xml",
    "text/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/problem+json",
    "application/jsonx",
    "application/json; charset=utf-16",
    "application/json; charset=latin1",
  ])("answers %j with 415, before reading the body", async (type) => {
    await expect(readJsonBody(request("{}", type))).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
  });
});

describe("readJsonBody", () => {
  it("refuses a body over 1 MiB with 413", async () => {
    const big = `{"a":"${"x".repeat(maxBodyBytes)}"}`;
    await expect(readJsonBody(request(big))).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it("reads a JSON body with a byte-order mark", async () => {
    await expect(readJsonBody(request('\uFEFF{"a":1}'))).resolves.toEqual({ a: 1 });
  });

  it("keeps a __proto__ property as data", () => {
    const value = parseJsonBody(Buffer.from('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(Object.keys(value)).toEqual(["__proto__"]);
  });
});

describe("parseJsonBody", () => {
  it("reports an empty body and malformed JSON at the body", () => {
    expect(errorsOf("  ")).toEqual({ "": ["A non-empty request body is required."] });
    expect(errorsOf("{")).toEqual({ $: [expect.stringMatching(/^The request body is not valid JSON/)] });
  });

  it(`accepts nesting to ${maxJsonDepth} levels and names the first value deeper than that`, () => {
    const nested = (levels: number) => "[".repeat(levels) + "]".repeat(levels);
    expect(errorsOf(nested(maxJsonDepth))).toBe("accepted");
    const tooDeep = errorsOf(`{"ignored":${nested(maxJsonDepth)}}`);
    expect(tooDeep).toEqual({
      [`ignored${"[0]".repeat(maxJsonDepth - 1)}`]: ["The maximum configured depth of 64 has been exceeded."],
    });
  });

  it("refuses 100,000 nested arrays or objects quickly, without exhausting the stack", () => {
    const started = Date.now();
    const arrays = errorsOf(`{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
    const objects = errorsOf('{"b":'.repeat(100_000) + "1" + "}".repeat(100_000));
    expect(Object.values(arrays)).toEqual([["The maximum configured depth of 64 has been exceeded."]]);
    expect(Object.values(objects)).toEqual([["The maximum configured depth of 64 has been exceeded."]]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each([
    ["NUL", "a\\u0000b", "U+0000 at position 1"],
    ["escape", "\\u001b[31m", "U+001B at position 0"],
    ["vertical tab", "a\\u000bb", "U+000B at position 1"],
    ["DEL", "a\\u007f", "U+007F at position 1"],
    ["C1 control", "\\u0085", "U+0085 at position 0"],
  ])("refuses a %s in any text, with its field path", (_, text, where) => {
    expect(errorsOf(`{"recipient":{"recipientEmail":{"emailSettings":{"subject":"${text}"}}}}`)).toEqual({
      "recipient.recipientEmail.emailSettings.subject": [
        `The value must not contain control characters other than tab, carriage return and line feed (${where}).`,
      ],
    });
  });

  it("reports text problems under property names like constructor and __proto__ (found by the fuzz suite)", () => {
    expect(errorsOf('{"constructor":"\\u0000","__proto__":"x\\udfff","toString":{"a":"\\u0001"}}')).toEqual({
      constructor: [expect.stringContaining("U+0000")],
      ["__proto__"]: [expect.stringContaining("U+DFFF")],
      "toString.a": [expect.stringContaining("U+0001")],
    });
  });

  it("accepts tab, CR and LF, and every other character", () => {
    expect(errorsOf('{"body":"a\\tb\\r\\nc æøå € 😀 \\u00a0 \\u2028 \\ufffd"}')).toBe("accepted");
  });

  it("refuses lone surrogates (high or low, escaped) in values and property names", () => {
    expect(errorsOf('{"reminders":[{"sendersReference":"a\\ud800"}]}')).toEqual({
      "reminders[0].sendersReference": [
        "The value must be valid Unicode text: it has a lone surrogate (U+D800) at position 1.",
      ],
    });
    expect(errorsOf('{"x":["\\udc00a"]}')).toEqual({
      "x[0]": ["The value must be valid Unicode text: it has a lone surrogate (U+DC00) at position 0."],
    });
    expect(errorsOf('{"a\\ud83d":1}')).toEqual({
      "a\ud83d": [
        "Property name: The value must be valid Unicode text: it has a lone surrogate (U+D83D) at position 1.",
      ],
    });
    expect(errorsOf('{"ok":"\\ud83d\\ude00"}')).toBe("accepted");
  });

  it("refuses invalid UTF-8 in a value with its field path, and elsewhere at the body", () => {
    const inSubject = Buffer.concat([Buffer.from('{"subject":"ab'), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(errorsOf(inSubject)).toEqual({
      subject: ["The value is not valid UTF-8 (byte 0xFF at position 2)."],
    });
    const overlong = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);
    expect(errorsOf(overlong)).toEqual({ a: ["The value is not valid UTF-8 (byte 0xC0 at position 0)."] });
    const outside = Buffer.concat([Buffer.from('{"a":1'), Buffer.from([0xfe]), Buffer.from("}")]);
    expect(errorsOf(outside)).toEqual({ $: ["The request body is not valid UTF-8 (byte 6)."] });
  });
});

describe("UTF-8 helpers", () => {
  it.each<[number[], number]>([
    [[0x61, 0x62], -1],
    [[0xc3, 0xa6], -1],
    [[0xf0, 0x9f, 0x98, 0x80], -1],
    [[0xc3], 0],
    [[0x61, 0xed, 0xa0, 0x80], 1], // an encoded surrogate (CESU-8)
    [[0xe0, 0x80, 0xaf], 0], // overlong
    [[0xf4, 0x90, 0x80, 0x80], 0], // past U+10FFFF
    [[0x61, 0x80], 1],
  ])("first invalid byte of %j is %d", (bytes, at) => {
    expect(firstInvalidUtf8Byte(Uint8Array.from(bytes))).toBe(at);
  });

  it("decodes valid UTF-8 as Node does and keeps each invalid byte as U+DC80–U+DCFF", () => {
    expect(decodeUtf8KeepingInvalidBytes(Buffer.from("æøå 😀"))).toBe("æøå 😀");
    expect(decodeUtf8KeepingInvalidBytes(Uint8Array.from([0x61, 0xff, 0xc3, 0xa6, 0x80]))).toBe(
      "a\udcffæ\udc80",
    );
  });

  it("textProblem finds nothing in clean text", () => {
    expect(textProblem("Hei, $recipientName$!\n\tMvh")).toBeUndefined();
  });

  it("jsonProblems stops after a bounded number of problems", () => {
    const many = Array.from({ length: 10_000 }, () => "\u0000");
    expect(Object.keys(jsonProblems(many)).length).toBeLessThanOrEqual(20);
  });
});
