import { scopes } from "../../auth/principal";
import { maxFeedSequence } from "../../domain/requests/limits";
import { AppError } from "../../errors";
import { authenticatedEndpoint, json } from "../endpoint";

export const maxFeedPageSize = 500;

function feedQuery(query: URLSearchParams) {
  const errors: Record<string, string[]> = {};
  const seqText = query.get("seq") ?? "0";
  const seq = Number(seqText);
  if (!/^-?\d+$/.test(seqText)) errors["seq"] = ["The value is not a valid sequence number."];
  else if (seq < 0) errors["seq"] = ["Sequence number cannot be less than 0."];
  // A cursor past the safe integers would round to another number (and 1e400 parses to Infinity).
  else if (seq > maxFeedSequence)
    errors["seq"] = [`Sequence number cannot be greater than ${maxFeedSequence}.`];
  const sizeText = query.get("pageSize");
  const requestedSize = sizeText === null ? maxFeedPageSize : Number(sizeText);
  if (sizeText !== null && !/^-?\d+$/.test(sizeText))
    errors["pageSize"] = ["The value is not a valid page size."];
  const orderText = (query.get("orderBy") ?? "Asc").toLowerCase();
  if (orderText !== "asc" && orderText !== "desc")
    errors["orderBy"] = ["OrderBy must be either Asc or Desc."];
  if (Object.keys(errors).length > 0)
    throw new AppError("validation", "Invalid status feed query.", { errors });
  return {
    after: seq,
    pageSize: Math.min(maxFeedPageSize, Math.max(1, requestedSize)),
    order: orderText === "desc" ? ("Desc" as const) : ("Asc" as const),
  };
}

/**
 * `GET future/shipment/feed`: the tenant's order status changes after an exclusive sequence cursor, every
 * change (Cancelled and SendConditionNotMet included, where Altinn lists only final states).
 */
export const getStatusFeed = authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
  const { after, pageSize, order } = feedQuery(request.query);
  const entries = await deps.statusFeed.read({
    creator: principal.tenant,
    after,
    pageSize,
    order,
  });
  return json(
    200,
    entries.map((e) => ({
      sequenceNumber: e.sequenceNumber,
      shipmentId: e.shipmentId,
      sendersReference: e.sendersReference,
      recipients: e.recipients,
      status: e.status,
      lastUpdate: e.lastUpdate,
      shipmentType: e.shipmentType,
    })),
  );
});
