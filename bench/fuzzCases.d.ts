// Types of bench/fuzzCases.js, for the fuzz suite under tests/fuzz.
import type FastCheck from "fast-check";
import type { Arbitrary } from "fast-check";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export const jsonRoutes: Record<string, { method: string; path: string }>;
export function validBodies(now: Date): Record<string, JsonValue[]>;
export const hostileStrings: string[];
export const hostileQueryValues: string[];
export const hostileNumbers: number[];
export const contentTypes: string[];
export function contentTypeAccepted(type: string | undefined): boolean;
export function pathsOf(value: unknown): Array<Array<string | number>>;

export type Mutation =
  | { op: "set"; pathIndex: number; value: unknown }
  | { op: "delete"; pathIndex: number }
  | { op: "add"; pathIndex: number; key: string; value: unknown }
  | { op: "repeat"; pathIndex: number; count: number }
  | { op: "wrap"; pathIndex: number; count: number };
export function applyMutation(root: unknown, mutation: Mutation): unknown;

export interface TextMutation {
  op: "truncate" | "insertBytes" | "overwriteByte" | "deepNest" | "duplicateKey" | "bom" | "trailing";
  position: number;
  bytes: number[];
  count: number;
}
export function textMutationArbitrary(fc: typeof FastCheck): Arbitrary<TextMutation>;
export function applyTextMutation(bytes: Buffer, mutation: TextMutation): Buffer;

export interface IdentifierChecks {
  isValidNationalIdentityNumber(text: string): boolean;
  isValidOrganizationNumber(text: string): boolean;
  isValidEmailAddress(text: string): boolean;
  normalizeMobileNumber(text: string): string | undefined;
  isValidExternalIdentity(text: string): boolean;
}
export function acceptedInvalid(
  operationId: string,
  body: unknown,
  now: Date,
  checks: IdentifierChecks,
): string[];
