import { createHash } from "node:crypto";

/** varsel's UUIDv5 namespace (RFC 9562); ids derived in it are stable across processes and retries. */
const varselNamespace = "6f0c3f1e-52a4-4c1b-9d0e-7a2c9b1f4e3d";

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ""), "hex");
}

/** A name-based UUID (version 5): the same namespace and name always give the same id. */
export function deterministicId(namespace: string, name: string): string {
  const hash = createHash("sha1").update(uuidBytes(namespace)).update(name, "utf8").digest();
  hash.writeUInt8((hash.readUInt8(6) & 0x0f) | 0x50, 6);
  hash.writeUInt8((hash.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A key derived from its parts, for a message that carries many of them: the same parts give the same
 * message id, so a repeated step publishes nothing the broker has not dropped as a duplicate.
 */
export function digestOf(parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("\n")).digest("base64url").slice(0, 32);
}

/** The chain id of an idempotent request: one per (tenant, kind of request, idempotencyId). */
function chainIdFor(tenant: string, kind: string, idempotencyId: string): string {
  return deterministicId(varselNamespace, JSON.stringify([tenant, kind, idempotencyId]));
}

/** The ids of one registered request's orders: its chain (the `notificationOrderId`), main order and reminders. */
export interface ChainIds {
  chainId: string;
  mainOrderId: string;
  reminderOrderId(index: number): string;
}

/** The main order of a chain: the order that carries the chain's idempotency record. */
export function mainOrderIdOf(chainId: string): string {
  return deterministicId(chainId, "main");
}

/** Every id of a chain derives from (tenant, kind, idempotencyId), so a retry names the same documents. */
export function chainIds(tenant: string, kind: string, idempotencyId: string): ChainIds {
  const chainId = chainIdFor(tenant, kind, idempotencyId);
  return {
    chainId,
    mainOrderId: mainOrderIdOf(chainId),
    reminderOrderId: (index) => deterministicId(chainId, `reminder:${index}`),
  };
}

type Task = { text: string } | { value: unknown };

/**
 * Stable JSON (sorted keys) so that two equal requests hash equally whatever their key order. Iterative, with
 * its own stack: a client's body nested 100,000 deep costs memory in proportion to its size, never the call
 * stack. The output is the same as serialising recursively (arrays in order, object keys sorted by UTF-16
 * code units, undefined properties left out), so hashes stored before stay valid.
 */
export function canonicalJson(root: unknown): string {
  const out: string[] = [];
  const stack: Task[] = [{ value: root }];
  for (let task = stack.pop(); task !== undefined; task = stack.pop()) {
    if ("text" in task) {
      out.push(task.text);
      continue;
    }
    const { value } = task;
    if (Array.isArray(value)) {
      const items: readonly unknown[] = value;
      stack.push({ text: "]" });
      for (let i = items.length - 1; i >= 0; i--) {
        stack.push({ value: items[i] });
        if (i > 0) stack.push({ text: "," });
      }
      stack.push({ text: "[" });
    } else if (value !== null && typeof value === "object") {
      const entries: [string, unknown][] = Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      stack.push({ text: "}" });
      entries.reverse().forEach(([key, item], i) => {
        stack.push({ value: item });
        stack.push({ text: `${JSON.stringify(key)}:` });
        if (i < entries.length - 1) stack.push({ text: "," });
      });
      stack.push({ text: "{" });
    } else {
      // As in an array joined by the recursive version, a value JSON cannot hold (undefined) becomes "".
      const text: string | undefined = JSON.stringify(value);
      out.push(text ?? "");
    }
  }
  return out.join("");
}

export function requestHash(body: unknown): string {
  return createHash("sha256").update(canonicalJson(body)).digest("base64url");
}
