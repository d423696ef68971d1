import { z } from "zod";
import {
  isValidEmailAddress,
  isValidNationalIdentityNumber,
  isValidOrganizationNumber,
  normalizeMobileNumber,
} from "../norwegianIdentifiers";
import { smsSegmentProblem } from "../smsSegments";
import { maxTextLength } from "./limits";

/**
 * Field builders shared by the request schemas. Each takes the exact message Altinn returns for its rule,
 * so the schemas read as a list of fields and messages. `validate()` has already turned `null` properties
 * into absent ones (ASP.NET treats them alike), so "missing" below means absent.
 */

/**
 * For cross-field refinements of an object: run even when some of its fields failed, so one response lists
 * every problem (as FluentValidation does), but not when the value is not an object at all.
 */
export const evenWhenOtherFieldsFailed = {
  when: (payload: { value: unknown }) =>
    typeof payload.value === "object" && payload.value !== null && !Array.isArray(payload.value),
};

/** Error option for a required field: `message` when it is absent, the generic type message otherwise. */
export function whenMissing(message: string) {
  return { error: (issue: { input?: unknown }) => (issue.input == null ? message : undefined) };
}

const isBlank = (text: string) => text.trim().length === 0;

/** The longest text a field takes (`limits.ts`), and the field's name for the message. */
export interface TextLimit {
  /** The JSON property name, e.g. `sendersReference`. */
  field: string;
  max: number;
}

/** FluentValidation's display name of a property: `sendersReference` → `Senders Reference`. */
function displayName(field: string): string {
  const words = field.replace(/([a-z0-9])([A-Z])/g, "$1 $2");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** FluentValidation's MaximumLength message, which Altinn's validators would give. */
export function tooLongMessage({ field, max }: TextLimit, length: number): string {
  return `The length of '${displayName(field)}' must be ${max} characters or fewer. You entered ${length} characters.`;
}

/**
 * A string of at most `limit.max` characters. The length is checked first and stops the field's other rules,
 * so no pattern or parser ever sees longer text than the limit.
 */
export function boundedString(limit: TextLimit, params?: Parameters<typeof z.string>[0]) {
  return z.string(params).max(limit.max, {
    error: (issue) =>
      tooLongMessage(limit, typeof issue.input === "string" ? issue.input.length : limit.max + 1),
    abort: true,
  });
}

/** Text that must be present and not blank (FluentValidation's NotEmpty); one message for all three. */
export function requiredText(message: string, limit: TextLimit) {
  return boundedString(limit, whenMissing(message)).refine((text) => !isBlank(text), message);
}

/**
 * A required SMS body: at most `maxTextLength.smsBody` characters, and at most `maxSmsSegments` segments once
 * encoded (a body with one emoji is UCS-2 and takes more than twice the segments), with a message saying why.
 */
export function smsBodyText(message: string) {
  return requiredText(message, { field: "body", max: maxTextLength.smsBody }).superRefine((text, ctx) => {
    const problem = smsSegmentProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** Optional text where `""` counts as absent, as Altinn's `string.IsNullOrEmpty` checks do. */
export function optionalNonEmptyText(limit: TextLimit) {
  return boundedString(limit)
    .optional()
    .transform((text) => (text === "" ? undefined : text));
}

/** The references a client names things by (sendersReference, ids, resource names): 256 characters. */
export function reference(field: string): TextLimit {
  return { field, max: maxTextLength.reference };
}

/**
 * An enum read case-insensitively, like ASP.NET's JsonStringEnumConverter ("html" and "HTML" are "Html"),
 * and output in its canonical casing. Built on a string (not `z.enum`) so the JSON Schema still lists the
 * values and a schema `default` stays visible.
 */
export function caseInsensitiveEnum<const Values extends readonly [string, ...string[]]>(
  values: Values,
  message: string,
  missingMessage?: string,
) {
  const canonicalByLowerCase = new Map(values.map((value) => [value.toLowerCase(), value]));
  return z
    .string(missingMessage === undefined ? undefined : whenMissing(missingMessage))
    .overwrite((text) => canonicalByLowerCase.get(text.toLowerCase()) ?? text)
    .refine((text): text is Values[number] => canonicalByLowerCase.get(text.toLowerCase()) === text, message)
    .meta({ enum: [...values] });
}

/**
 * A whole number in `[min, max]`. A number outside the range gets only the range message: the range check
 * stops there, so a huge value is not also told zod's safe-integer limit. JSON like `1e400` parses to
 * Infinity, which zod rejects as "not a number"; it is told the range message too, since that is what the
 * client got wrong. A fraction is "must be an integer"; a missing value or text keeps the generic messages.
 */
export function integerBetween(min: number, max: number, messages: { tooSmall: string; tooLarge: string }) {
  return z
    .number({
      error: (issue) =>
        issue.input === Infinity
          ? messages.tooLarge
          : issue.input === -Infinity
            ? messages.tooSmall
            : undefined,
    })
    .min(min, { error: messages.tooSmall, abort: true })
    .max(max, { error: messages.tooLarge, abort: true })
    .int();
}

/** An email address field (at most 254 characters); `missingMessage` also covers blank. */
export function emailAddress(field: string, invalidMessage: string, missingMessage: string = invalidMessage) {
  return boundedString({ field, max: maxTextLength.emailAddress }, whenMissing(missingMessage))
    .superRefine((text, ctx) => {
      if (isBlank(text)) ctx.addIssue({ code: "custom", message: missingMessage });
      else if (!isValidEmailAddress(text)) ctx.addIssue({ code: "custom", message: invalidMessage });
    })
    .meta({ format: "email" });
}

/** A mobile number field (at most 32 characters as sent), output in E.164 (`+4798765432`) whatever form it was sent in. */
export function mobileNumber(field: string, invalidMessage: string, missingMessage: string = invalidMessage) {
  return boundedString({ field, max: maxTextLength.mobileNumber }, whenMissing(missingMessage))
    .meta({
      description: "Mobile number with country code (+47…, 0047…), or an 8-digit Norwegian mobile number.",
    })
    .transform((text, ctx) => {
      if (isBlank(text)) {
        ctx.addIssue({ code: "custom", message: missingMessage });
        return z.NEVER;
      }
      const normalized = normalizeMobileNumber(text);
      if (normalized === undefined) {
        ctx.addIssue({ code: "custom", message: invalidMessage });
        return z.NEVER;
      }
      return normalized;
    });
}

/** What is wrong with a national identity number, if anything (Altinn checks the length; we also check the digits). */
export function nationalIdentityNumberProblem(text: string): string | undefined {
  if (!/^\d{11}$/.test(text)) return "National identity number must be 11 digits long.";
  if (!isValidNationalIdentityNumber(text)) return "National identity number is not valid (check digits).";
  return undefined;
}

/** What is wrong with an organization number, if anything (Altinn checks the length; we also check the digit). */
export function organizationNumberProblem(text: string): string | undefined {
  if (!/^\d{9}$/.test(text)) return "Organization number must be 9 digits long.";
  if (!isValidOrganizationNumber(text)) return "Organization number is not valid (check digit).";
  return undefined;
}

/** resourceAction narrows the authorization check on resourceId, so it means nothing without one. */
export function checkResourceAction(
  recipient: { resourceId?: unknown; resourceAction?: unknown },
  ctx: z.RefinementCtx,
): void {
  const action = recipient.resourceAction;
  if (typeof action !== "string" || action === "") return;
  const hasResourceId = typeof recipient.resourceId === "string" && recipient.resourceId.trim() !== "";
  if (!hasResourceId) {
    ctx.addIssue({
      code: "custom",
      message: "ResourceAction cannot be specified without a ResourceId.",
      path: ["resourceAction"],
    });
  } else if (action.trim() === "") {
    ctx.addIssue({
      code: "custom",
      message: "ResourceAction cannot be blank or whitespace.",
      path: ["resourceAction"],
    });
  }
}

/** An absolute http(s) URL, the shape of a send-condition endpoint. */
export function parseHttpUrl(text: string): URL | "not-absolute" | "not-http" {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "not-absolute";
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url : "not-http";
}
