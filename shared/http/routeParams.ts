import { AppError } from "../errors";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The route's `{id}` as a lower-case GUID, or undefined when it cannot name an order. */
export function guidParam(params: Record<string, string>): string | undefined {
  const id = params["id"] ?? "";
  return uuidPattern.test(id) ? id.toLowerCase() : undefined;
}

/** Route ids are GUIDs; anything else cannot name an order, so it is a 404 rather than a store lookup. */
export function orderIdParam(params: Record<string, string>): string {
  const id = guidParam(params);
  if (!id) throw new AppError("not-found", "Order not found.");
  return id;
}
