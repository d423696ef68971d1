import { Readable } from "node:stream";
import type { HttpRequest } from "@azure/functions";
import { scopes } from "../../auth/principal";
import { limitsOf, quotaMonthOf } from "../../domain/intakeLimits";
import { bulkLimits, bulkOrderRequestSchema } from "../../domain/requests/bulkOrder";
import { recipientFormats, type RecipientFormat } from "../../domain/requests/recipientLines";
import { validate } from "../../domain/requests/validate";
import { AppError } from "../../errors";
import { cancelBulkOrder } from "../../usecases/cancelBulkOrder";
import { registerBulkOrder } from "../../usecases/registerBulkOrder";
import { submitBulkOrder } from "../../usecases/submitBulkOrder";
import { uploadBulkPart, type UploadOutcome } from "../../usecases/uploadBulkPart";
import { viewBulkOrder } from "../../usecases/viewBulkOrder";
import { checkContentType, readJsonBody, UnsupportedMediaTypeError } from "../body";
import { apiBase, authenticatedEndpoint, json } from "../endpoint";
import { quotaExceededProblem, rateLimitedEndpoint } from "../limitedIntake";
import { readLines, StreamTooLargeError } from "../lineReader";
import { orderDefaultsOf } from "../orderDefaults";
import { problem, validationProblem } from "../problem";
import { orderIdParam } from "../routeParams";
import { bulkOrderView } from "../views/bulkOrderView";

function links(request: HttpRequest, orderId: string) {
  const self = `${apiBase(request)}/future/orders/bulk/${orderId}`;
  return {
    self,
    upload: `${self}/recipients/{part}`,
    submit: `${self}/submit`,
    shipment: `${apiBase(request)}/future/shipment/${orderId}`,
  };
}

/**
 * `POST future/orders/bulk`: the order's settings and templates; its recipients follow in parts. Under the
 * organisation's request rate; its recipients count against the monthly quota at submit.
 */
export const createBulkOrder = rateLimitedEndpoint(scopes.create, async ({ request, principal, deps }) => {
  const body = await readJsonBody(request);
  const answer = (status: number, orderId: string) => {
    const link = links(request, orderId);
    return json(
      status,
      {
        notificationOrderId: orderId,
        partRecipients: bulkLimits.partRecipients,
        maxParts: bulkLimits.parts,
        links: { self: link.self, upload: link.upload, submit: link.submit },
      },
      { location: link.self },
    );
  };
  const outcome = await registerBulkOrder(deps, {
    tenant: principal.tenant,
    body,
    validated: validate(bulkOrderRequestSchema, body, { now: deps.clock.now() }),
    defaults: orderDefaultsOf(deps.settings),
  });
  if (outcome.kind === "invalid") return validationProblem(outcome.errors);
  return answer(outcome.created ? 201 : 200, outcome.orderId);
});

function formatOf(contentType: string | null): RecipientFormat {
  const types = Object.keys(recipientFormats);
  checkContentType(contentType, types);
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  const format = Object.entries(recipientFormats).find(([name]) => name === type)?.[1];
  if (format === undefined) throw new UnsupportedMediaTypeError(types);
  return format;
}

function partNumberOf(params: Record<string, string>): number {
  const text = params["part"] ?? "";
  const part = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (!(part >= 1 && part <= bulkLimits.parts)) {
    throw new AppError("validation", "The part number is out of range.", {
      errors: { part: [`The part number must be from 1 to ${bulkLimits.parts}.`] },
    });
  }
  return part;
}

function uploadAnswer(outcome: UploadOutcome) {
  if (outcome.kind === "accepted") {
    return json(outcome.replay ? 200 : 201, { part: outcome.part, recipients: outcome.recipients });
  }
  const listed = outcome.lineErrors.length;
  return problem({
    status: 400,
    title: "One or more recipient lines are invalid.",
    detail: `${outcome.invalidLines} line(s) of part ${outcome.part} are invalid${
      outcome.invalidLines > listed ? `; the first ${listed} problems are listed` : ""
    }. Nothing of the part was kept: fix the lines and upload the part again.`,
    extensions: { invalidLines: outcome.invalidLines, lineErrors: outcome.lineErrors },
  });
}

/**
 * `PUT future/orders/bulk/{id}/recipients/{part}`: one part of the recipient list, NDJSON or CSV, read line by
 * line as it streams in (the app enables HTTP streams), never held whole.
 */
export const uploadBulkRecipients = rateLimitedEndpoint(
  scopes.create,
  async ({ request, principal, deps }) => {
    const orderId = orderIdParam(request.params);
    const part = partNumberOf(request.params);
    const format = formatOf(request.headers.get("content-type"));
    if (Number(request.headers.get("content-length") ?? "0") > bulkLimits.partBytes) {
      throw new StreamTooLargeError(bulkLimits.partBytes);
    }
    const body = request.body ? Readable.fromWeb(request.body) : Readable.from([]);
    const lines = readLines(body, { maxBytes: bulkLimits.partBytes, maxLineBytes: bulkLimits.lineBytes });
    return uploadAnswer(
      await uploadBulkPart(deps, { tenant: principal.tenant, orderId, part, format, lines }),
    );
  },
);

/**
 * `POST future/orders/bulk/{id}/submit`: the list is complete; the order is processed at its send time. Its
 * recipients count against the monthly quota now; an order that would go past it is refused (429) and stays
 * open, to be submitted when the quota allows (or cancelled).
 */
export const submitBulkOrderEndpoint = rateLimitedEndpoint(
  scopes.create,
  async ({ request, context, principal, deps }) => {
    const orderId = orderIdParam(request.params);
    const now = deps.clock.now();
    const limits = limitsOf(deps.settings.SERVICE_OWNER_LIMITS, principal.tenant);
    const outcome = await submitBulkOrder(
      deps,
      principal.tenant,
      orderId,
      { month: quotaMonthOf(now).month, limit: limits.monthlyNotifications },
      (message) => context.warn(message),
    );
    if (outcome.kind === "over-quota") {
      return quotaExceededProblem({ used: outcome.used, requested: outcome.recipientCount, limits, now });
    }
    const { order } = outcome;
    const link = links(request, orderId);
    return json(
      202,
      { notificationOrderId: orderId, recipientCount: order.recipientCount, links: { self: link.self } },
      { location: link.self },
    );
  },
);

/** `GET future/orders/bulk/{id}`: the parts, then the order's progress. */
export const getBulkOrder = authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
  const orderId = orderIdParam(request.params);
  const view = await viewBulkOrder(deps, principal.tenant, orderId);
  return json(200, bulkOrderView(view, links(request, orderId)));
});

/** `PUT future/orders/bulk/{id}/cancel`: before submission, or while its order may still be cancelled. */
export const cancelBulkOrderEndpoint = authenticatedEndpoint(
  scopes.create,
  async ({ request, principal, deps }) => {
    const orderId = orderIdParam(request.params);
    const view = await cancelBulkOrder(deps, principal.tenant, orderId);
    return json(200, bulkOrderView(view, links(request, orderId)));
  },
);
