import { isUtf8 } from "node:buffer";
import type { HttpRequest } from "@azure/functions";
import { maxBodyBytes, maxJsonDepth } from "../domain/requests/limits";
import { fieldPath } from "../domain/requests/validate";
import { AppError } from "../errors";
import { errorMessage, nullPrototypeRecord } from "../narrowing";

export { maxBodyBytes } from "../domain/requests/limits";

/**
 * Reads a JSON request body the way a hardened ASP.NET endpoint with `[Consumes("application/json")]` would:
 * `Content-Type: application/json` (charset optional, UTF-8 only) or 415; at most 1 MiB or 413; valid UTF-8,
 * well-formed JSON nested at most 64 deep; and no text anywhere in it (property names included) with a
 * control character other than tab, CR and LF, or with a lone surrogate. Each of these is a 400 naming the
 * field. Nothing here recurses over the client's data, and every step is linear in the body's size.
 */
export async function readJsonBody(request: HttpRequest): Promise<unknown> {
  checkJsonContentType(request.headers.get("content-type"));
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBodyBytes) throw new PayloadTooLargeError();
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.byteLength > maxBodyBytes) throw new PayloadTooLargeError();
  return parseJsonBody(bytes);
}

/** The checks of `readJsonBody` after the headers: UTF-8, JSON, depth and text. */
export function parseJsonBody(bytes: Uint8Array): unknown {
  const validUtf8 = isUtf8(bytes);
  // Invalid bytes are kept as lone surrogates (U+DC80–U+DCFF), so the text check below names their field.
  const text = (
    validUtf8 ? Buffer.from(bytes).toString("utf8") : decodeUtf8KeepingInvalidBytes(bytes)
  ).replace(/^\uFEFF/, "");
  if (text.trim() === "") {
    throw new AppError("validation", "The request body is empty.", {
      errors: { "": ["A non-empty request body is required."] },
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = validUtf8
      ? `The request body is not valid JSON: ${errorMessage(error)}`
      : `The request body is not valid UTF-8 (byte ${firstInvalidUtf8Byte(bytes)}).`;
    throw new AppError("validation", "The request body is not valid JSON.", { errors: { $: [message] } });
  }
  const errors = jsonProblems(value, validUtf8);
  if (Object.keys(errors).length > 0) {
    throw new AppError("validation", "The request body holds values varsel does not accept.", { errors });
  }
  return value;
}

/** 415: the body is not declared as UTF-8 JSON. */
export class UnsupportedMediaTypeError extends Error {
  constructor(types: readonly string[] = ["application/json"]) {
    super(
      `The request body must be sent with Content-Type: ${types.join(" or ")} (charset, if given, utf-8).`,
    );
  }
}

export class PayloadTooLargeError extends Error {
  constructor() {
    super(`The request body exceeds ${maxBodyBytes} bytes.`);
  }
}

/**
 * `application/json`, any case, with optional parameters; a `charset` must be UTF-8. ASP.NET's `[Consumes]`
 * matches the same way (its formatter would also transcode UTF-16, which varsel does not take).
 */
export function checkJsonContentType(header: string | null): void {
  checkContentType(header, ["application/json"]);
}

/**
 * The media type must be one of `types` (lower case); a `charset` parameter, if any, must be UTF-8 unless
 * `anyCharset` (the bytes are checked for UTF-8 all the same).
 */
export function checkContentType(
  header: string | null,
  types: readonly string[],
  { anyCharset = false }: { anyCharset?: boolean } = {},
): void {
  const [type = "", ...parameters] = (header ?? "").split(";");
  if (!types.includes(type.trim().toLowerCase())) throw new UnsupportedMediaTypeError(types);
  if (anyCharset) return;
  for (const parameter of parameters) {
    const at = parameter.indexOf("=");
    const name = (at < 0 ? parameter : parameter.slice(0, at)).trim().toLowerCase();
    if (name !== "charset") continue;
    const charset = parameter
      .slice(at + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .toLowerCase();
    if (charset !== "utf-8" && charset !== "utf8") throw new UnsupportedMediaTypeError(types);
  }
}

/**
 * Control characters other than tab, LF and CR (C0, DEL, C1), and UTF-16 surrogates not in a pair. Without
 * the `u` flag the pattern sees code units, so a lone surrogate is a match of its own; linear time.
 */
const forbiddenInText =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a piece of text from the body, if anything. */
export function textProblem(text: string, validUtf8 = true): string | undefined {
  const match = forbiddenInText.exec(text);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0);
  const hex = code.toString(16).toUpperCase().padStart(4, "0");
  if (code >= 0xd800 && code <= 0xdfff) {
    if (!validUtf8 && code >= 0xdc80 && code <= 0xdcff) {
      return `The value is not valid UTF-8 (byte 0x${hex.slice(2)} at position ${match.index}).`;
    }
    return `The value must be valid Unicode text: it has a lone surrogate (U+${hex}) at position ${match.index}.`;
  }
  return `The value must not contain control characters other than tab, carriage return and line feed (U+${hex} at position ${match.index}).`;
}

interface Node {
  value: unknown;
  key: string | number | undefined;
  parent: Node | undefined;
  depth: number;
}

function pathOf(node: Node | undefined): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let at = node; at && at.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

/** Body-level problems are keyed `$`, as ASP.NET's JSON reader keys them; the rest by their field path. */
function keyOf(node: Node | undefined): string {
  return fieldPath(pathOf(node)) || "$";
}

/** Problems this many and the walk stops: the response lists at most as many anyway. */
const maxProblems = 20;

/**
 * Walks a parsed body with an explicit stack (a body nested 100,000 deep costs no call stack), checking the
 * nesting depth and every property name and string. Returns problems by field path, in document order.
 */
export function jsonProblems(root: unknown, validUtf8 = true): Record<string, string[]> {
  // No prototype: a property named "constructor" or "__proto__" is a field like any other.
  const errors = nullPrototypeRecord<string[]>();
  let count = 0;
  const report = (key: string, message: string) => {
    const messages = (errors[key] ??= []);
    if (!messages.includes(message)) messages.push(message);
    count += 1;
  };
  const stack: Node[] = [{ value: root, key: undefined, parent: undefined, depth: 0 }];
  for (let node = stack.pop(); node !== undefined && count < maxProblems; node = stack.pop()) {
    const { value } = node;
    if (typeof value === "string") {
      const problem = textProblem(value, validUtf8);
      if (problem) report(keyOf(node), problem);
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    const depth = node.depth + 1;
    if (depth > maxJsonDepth) {
      report(keyOf(node), `The maximum configured depth of ${maxJsonDepth} has been exceeded.`);
      continue;
    }
    const children: Node[] = [];
    if (Array.isArray(value)) {
      const items: readonly unknown[] = value;
      items.forEach((item, index) => children.push({ value: item, key: index, parent: node, depth }));
    } else {
      for (const [key, item] of Object.entries(value)) {
        const problem = textProblem(key, validUtf8);
        if (problem) report(keyOf({ value: item, key, parent: node, depth }), `Property name: ${problem}`);
        children.push({ value: item, key, parent: node, depth });
      }
    }
    for (const child of children.reverse()) stack.push(child);
  }
  return errors;
}

/** The length of the UTF-8 sequence starting at `at`, or 0 when the bytes there are not one. */
function utf8SequenceLength(bytes: Uint8Array, at: number): number {
  const first = bytes[at];
  if (first === undefined) return 0;
  if (first < 0x80) return 1;
  const continuation = (offset: number, min = 0x80, max = 0xbf) => {
    const byte = bytes[at + offset];
    return byte !== undefined && byte >= min && byte <= max;
  };
  if (first >= 0xc2 && first <= 0xdf) return continuation(1) ? 2 : 0;
  if (first >= 0xe0 && first <= 0xef) {
    // No overlong forms (E0 needs A0+) and no surrogates (ED needs at most 9F).
    const min = first === 0xe0 ? 0xa0 : 0x80;
    const max = first === 0xed ? 0x9f : 0xbf;
    return continuation(1, min, max) && continuation(2) ? 3 : 0;
  }
  if (first >= 0xf0 && first <= 0xf4) {
    const min = first === 0xf0 ? 0x90 : 0x80;
    const max = first === 0xf4 ? 0x8f : 0xbf;
    return continuation(1, min, max) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

/** The offset of the first byte that does not start a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  for (let at = 0; at < bytes.length;) {
    const length = utf8SequenceLength(bytes, at);
    if (length === 0) return at;
    at += length;
  }
  return -1;
}

/**
 * UTF-8 to text where each byte that is not part of a valid sequence becomes the lone surrogate U+DC00 + byte
 * (Python's "surrogateescape"), instead of U+FFFD: the text check then reports it in the field it is in.
 */
export function decodeUtf8KeepingInvalidBytes(bytes: Uint8Array): string {
  const parts: string[] = [];
  let validFrom = 0;
  let at = 0;
  while (at < bytes.length) {
    const length = utf8SequenceLength(bytes, at);
    if (length > 0) {
      at += length;
      continue;
    }
    parts.push(Buffer.from(bytes.subarray(validFrom, at)).toString("utf8"));
    parts.push(String.fromCharCode(0xdc00 | (bytes[at] ?? 0)));
    at += 1;
    validFrom = at;
  }
  parts.push(Buffer.from(bytes.subarray(validFrom)).toString("utf8"));
  return parts.join("");
}
