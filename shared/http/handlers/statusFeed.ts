import { scopes } from "../../auth/principal";
import { maxFeedSequence } from "../../domain/requests/limits";
import { altinnFeedStatuses, orderLifecycleName } from "../../domain/statuses";
import { AppError } from "../../errors";
import { readStatusFeed } from "../../usecases/readStatusFeed";
import { authenticatedEndpoint, json, stopIfClientClosed } from "../endpoint";
import { queryValue } from "../query";

export const maxFeedPageSize = 500;

const finalEntryStatuses = [...altinnFeedStatuses].map(orderLifecycleName);

function feedQuery(query: URLSearchParams) {
  const errors: Record<string, string[]> = {};
  const seqText = queryValue(query, "seq") ?? "0";
  const seq = Number(seqText);
  if (!/^-?\d+$/.test(seqText)) errors["seq"] = ["The value is not a valid sequence number."];
  else if (seq < 0) errors["seq"] = ["Sequence number cannot be less than 0."];
  // A cursor past the safe integers would round to another number (and 1e400 parses to Infinity).
  else if (seq > maxFeedSequence)
    errors["seq"] = [`Sequence number cannot be greater than ${maxFeedSequence}.`];
  const sizeText = queryValue(query, "pageSize");
  const requestedSize = sizeText === null ? maxFeedPageSize : Number(sizeText);
  if (sizeText !== null && !/^-?\d+$/.test(sizeText))
    errors["pageSize"] = ["The value is not a valid page size."];
  const orderText = (queryValue(query, "orderBy") ?? "Asc").toLowerCase();
  if (orderText !== "asc" && orderText !== "desc")
    errors["orderBy"] = ["OrderBy must be either Asc or Desc."];
  const transitionsText = (queryValue(query, "allTransitions") ?? "false").toLowerCase();
  if (transitionsText !== "true" && transitionsText !== "false")
    errors["allTransitions"] = ["The value is not valid for allTransitions (true or false)."];
  if (Object.keys(errors).length > 0)
    throw new AppError("validation", "Invalid status feed query.", { errors });
  return {
    after: seq,
    pageSize: Math.min(maxFeedPageSize, Math.max(1, requestedSize)),
    order: orderText === "desc" ? ("Desc" as const) : ("Asc" as const),
    statuses: transitionsText === "true" ? undefined : finalEntryStatuses,
  };
}

/**
 * `GET future/shipment/feed`: the tenant's orders that reached a final status (Completed, SendConditionNotMet)
 * with their recipients, after an exclusive sequence cursor, as Altinn's feed. `allTransitions=true` lists
 * every entry instead: also Processing, Processed and Cancelled where the tenant's feed lists transitions
 * (`FeedAudience`).
 */
export const getStatusFeed = authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
  const entries = await readStatusFeed(deps, principal.tenant, feedQuery(request.query));
  stopIfClientClosed(request);
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
