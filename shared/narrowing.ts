// Narrowing for values whose type TypeScript cannot know (parsed JSON, thrown values, SDK payloads), checked at
// run time instead of claimed with a cast.

/** Any non-null object, arrays included: its properties can be read, each as unknown. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** `Object.keys` of a table whose keys are all known (an `as const` table); TypeScript types them as string. */
export function knownKeys<T extends object>(table: T): (keyof T & string)[] {
  return Object.keys(table).filter((key): key is keyof T & string => key in table);
}

/** An empty map without a prototype, so a client's "__proto__" or "constructor" key is plain data in it. */
export function nullPrototypeRecord<V>(): Record<string, V> {
  const record: Record<string, V> = {};
  Object.setPrototypeOf(record, null);
  return record;
}

/** The `code` of a Node.js system error (ECONNRESET, EEXIST, …), when the thrown value has one. */
export function errorCode(error: unknown): string | undefined {
  return isRecord(error) && typeof error["code"] === "string" ? error["code"] : undefined;
}

/** The message of a thrown value, whatever was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** JSON.parse, typed as what it really returns: a value to be checked before use. */
export function parseJson(text: string): unknown {
  return JSON.parse(text);
}
