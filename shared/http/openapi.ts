import { z } from "zod";
import { composedEmailRequestSchema } from "../domain/requests/composedEmail";
import { bulkOrderRequestSchema } from "../domain/requests/bulkOrder";
import { futureOrderRequestSchema } from "../domain/requests/futureOrder";
import {
  instantEmailOrderRequestSchema,
  instantNotificationOrderRequestSchema,
  instantSmsOrderRequestSchema,
} from "../domain/requests/instantOrder";
import {
  legacyEmailOrderRequestSchema,
  legacyOrderRequestSchema,
  legacySmsOrderRequestSchema,
} from "../domain/requests/legacyOrder";
import {
  maxBodyBytes,
  maxJsonDepth,
  maxLegacyRecipients,
  maxReminders,
  maxReportedErrors,
  maxFeedSequence,
  maxTextLength,
} from "../domain/requests/limits";
import { maxFeedPageSize } from "./handlers/statusFeed";
import {
  delayDaysLimits,
  instantSmsTimeToLiveSeconds,
  schedulingHorizonText,
} from "../domain/requests/timeLimits";
import { redeliveryRequestSchema, webhookSubscriptionRequestSchema } from "../domain/webhooks";
import { bulkOrderOperations } from "./bulkOrderOperations";
import { clientClosedResponse, throttledResponse } from "./documentedProblems";
import { idempotencyRequestHeader, payloadChangedHeader, payloadChangedValue } from "./idempotency";
import { maxSmsSegments } from "../domain/smsSegments";
import { responseSchemas, type ResponseSchemaName } from "./views/responseSchemas";
import { supportOperations } from "./supportOperations";
import { templateOperations } from "./templateOperations";
import { templateRequestSchema } from "../domain/templates";
import { webhookOperations } from "./webhookOperations";
import { erasureRequestSchema } from "./views/erasureSchemas";

/** Request schemas by component name: the same zod schemas that validate the requests. */
const requestSchemas = {
  NotificationOrderChainRequest: futureOrderRequestSchema,
  BulkOrderRequest: bulkOrderRequestSchema,
  NotificationOrderRequest: legacyOrderRequestSchema,
  EmailNotificationOrderRequest: legacyEmailOrderRequestSchema,
  SmsNotificationOrderRequest: legacySmsOrderRequestSchema,
  InstantSmsNotificationOrderRequest: instantSmsOrderRequestSchema,
  InstantNotificationOrderRequest: instantNotificationOrderRequestSchema,
  InstantEmailNotificationOrderRequest: instantEmailOrderRequestSchema,
  ComposedEmailRequest: composedEmailRequestSchema(),
  WebhookSubscriptionRequest: webhookSubscriptionRequestSchema,
  WebhookRedeliveryRequest: redeliveryRequestSchema,
  TemplateRequest: templateRequestSchema,
  ErasureRequest: erasureRequestSchema,
} as const;

type Method = "get" | "post" | "put" | "delete";

/**
 * A documented answer. Every 2xx names its body's component schema (`responseSchemas`); 4xx and 5xx are
 * problem documents and need only a description, given as a plain string.
 */
interface ResponseSpec {
  description: string;
  body: ResponseSchemaName;
  /** Defaults to application/json. */
  contentType?: string;
  /** Response headers worth a typed client's attention, by name: every such answer carries them. */
  headers?: Record<string, string>;
  /** Headers some of these answers carry (a replay whose body changed), by name. */
  optionalHeaders?: Record<string, string>;
}

/** A problem answer with headers a client acts on (a 429's Retry-After); a plain string is a problem too. */
interface ProblemSpec {
  description: string;
  headers?: Record<string, string>;
  optionalHeaders?: Record<string, string>;
}

type AnswerSpec = string | ResponseSpec | ProblemSpec;

/** A success answer names its body's schema; everything else is a problem document. */
export function isSuccessSpec(spec: AnswerSpec | undefined): spec is ResponseSpec {
  return typeof spec === "object" && "body" in spec;
}

/**
 * A query parameter or request header a handler reads (path parameters come from the route; Authorization,
 * Content-Type and Content-Length from the security scheme and the request body). A test compares these with
 * what the handlers read.
 */
export interface ParameterSpec {
  name: string;
  in: "query" | "header";
  description: string;
  required?: boolean;
  /** Defaults to a string. */
  schema?: Record<string, unknown>;
}

export interface OperationSpec {
  method: Method;
  /** Route template as registered (without the route prefix). */
  route: string;
  operationId: string;
  summary: string;
  requestBody?: keyof typeof requestSchemas;
  /** A request body that is not one of the JSON request schemas: its content by media type. */
  requestBodyContent?: Record<string, { schema: Record<string, unknown> }>;
  /** Defaults to true when there is a request body. */
  requestBodyRequired?: boolean;
  parameters?: ParameterSpec[];
  responses: Record<string, AnswerSpec>;
  /** Defaults to true: a bearer token with the create scope. */
  secured?: boolean;
}

const orderResponses = {
  "401": "No valid bearer token.",
  "403": "The token lacks the scope.",
  "404": "No such order for this organisation.",
};
const createResponses = {
  "400": "Validation problem (problem+json with errors by field path).",
  "401": "No valid bearer token.",
  "403": "The token lacks the scope.",
  "413": "Body over 1 MiB.",
  "415": "Content-Type is not application/json (a charset, if given, must be utf-8).",
  "429": throttledResponse(
    "The organisation's request rate (problem type rate-limited) or monthly notification quota (quota-exceeded) is used up.",
  ),
};

/** `Varsel-Idempotency` on the routes keyed by idempotencyId, and the header that marks a changed replay. */
const strictIdempotency: ParameterSpec = {
  name: idempotencyRequestHeader,
  in: "header",
  description:
    "strict: a reused idempotencyId with a different body is refused with 409 instead of answered with the original receipt (Altinn's behaviour, the default unless IDEMPOTENCY_CHANGED_PAYLOAD is conflict).",
  schema: { type: "string", enum: ["strict"] },
};
const changedReplay = {
  [payloadChangedHeader]: `${payloadChangedValue}: the body differs from the request that registered the order; the new content was ignored.`,
};

const location = (what: string) => ({ location: `The URL of ${what}.` });
const chainLocation = location("the order chain (GET future/orders/{id})");
const shipmentLocation = location("the shipment (GET future/shipment/{id})");
const orderLocation = location("the order (GET orders/{id})");

const operatorResponses = { "401": "No valid bearer token.", "403": "The token lacks the operator scope." };

/** Every HTTP function, documented; a test checks this list against the registration files. */
/** The answers of the instant routes, which send before they answer; `provider` is what may fail. */
function instantResponses(provider: string): OperationSpec["responses"] {
  return {
    "201": { description: "Sent.", body: "NotificationOrderChainResponse", headers: shipmentLocation },
    "200": {
      description: "Replay: the idempotencyId was used before on an instant route.",
      body: "NotificationOrderChainResponse",
      headers: shipmentLocation,
      optionalHeaders: changedReplay,
    },
    "409":
      "The idempotencyId was used for a different body, and the request sent varsel-idempotency: strict.",
    "503": `NOT-00004: ${provider} failed; nothing was stored.`,
    ...createResponses,
    ...clientClosedResponse,
  };
}

export const operations: OperationSpec[] = [
  {
    method: "post",
    route: "future/orders",
    operationId: "createOrderChain",
    summary: "Order a notification with reminders",
    requestBody: "NotificationOrderChainRequest",
    parameters: [strictIdempotency],
    responses: {
      "201": { description: "Registered.", body: "NotificationOrderChainResponse", headers: chainLocation },
      "200": {
        description:
          "The original receipt: the idempotencyId was used before (as Altinn, whatever the new body; a changed body is ignored and marked varsel-idempotency-replay: payload-changed).",
        body: "NotificationOrderChainResponse",
        headers: chainLocation,
        optionalHeaders: changedReplay,
      },
      "409":
        "The idempotencyId was used for a different body, and the request sent varsel-idempotency: strict (or IDEMPOTENCY_CHANGED_PAYLOAD is conflict).",
      "422": "NOT-00001: missing contact information.",
      ...createResponses,
      ...clientClosedResponse,
    },
  },
  {
    method: "get",
    route: "future/orders/{id}",
    operationId: "getOrderChain",
    summary: "An order chain and the status of each shipment",
    responses: { "200": { description: "The chain.", body: "OrderChain" }, ...orderResponses },
  },
  {
    method: "put",
    route: "future/orders/{id}/cancel",
    operationId: "cancelFutureOrder",
    summary: "Cancel a chain (or one shipment) that has not started",
    responses: {
      "200": { description: "Cancelled.", body: "ChainCancellation" },
      "409": "Nothing can be cancelled any more.",
      ...orderResponses,
    },
  },
  {
    method: "post",
    route: "future/orders/instant",
    operationId: "createInstantNotification",
    summary: "Send one SMS now (Altinn's older route; prefer future/orders/instant/sms)",
    requestBody: "InstantNotificationOrderRequest",
    parameters: [strictIdempotency],
    responses: instantResponses("the gateway"),
  },
  {
    method: "post",
    route: "future/orders/instant/sms",
    operationId: "createInstantSms",
    summary: "Send one SMS now",
    requestBody: "InstantSmsNotificationOrderRequest",
    parameters: [strictIdempotency],
    responses: instantResponses("the gateway"),
  },
  {
    method: "post",
    route: "future/orders/instant/email",
    operationId: "createInstantEmail",
    summary: "Send one email now",
    requestBody: "InstantEmailNotificationOrderRequest",
    parameters: [strictIdempotency],
    responses: instantResponses("the email service"),
  },
  {
    method: "post",
    route: "future/orders/composed-email",
    operationId: "createComposedEmailOrder",
    summary:
      "An email with attachments by SAS URL, read when it is sent (scope altinn:serviceowner/notifications.composedemail.create)",
    requestBody: "ComposedEmailRequest",
    parameters: [strictIdempotency],
    responses: {
      "201": { description: "Registered.", body: "NotificationOrderChainResponse", headers: chainLocation },
      "200": {
        description:
          "Replay of an earlier request with the same idempotencyId (a changed body is ignored and marked varsel-idempotency-replay: payload-changed).",
        body: "NotificationOrderChainResponse",
        headers: chainLocation,
        optionalHeaders: changedReplay,
      },
      "409":
        "The idempotencyId was used for a different body, and the request sent varsel-idempotency: strict (or IDEMPOTENCY_CHANGED_PAYLOAD is conflict).",
      ...createResponses,
      ...clientClosedResponse,
    },
  },
  {
    method: "get",
    route: "future/shipment/{id}",
    operationId: "getShipment",
    summary: "Delivery manifest of one shipment",
    responses: {
      "200": { description: "The shipment with per-recipient status.", body: "Shipment" },
      "404": "NOT-00003: shipment not found.",
      ...clientClosedResponse,
    },
  },
  {
    method: "get",
    route: "future/shipment/feed",
    operationId: "getStatusFeed",
    parameters: [
      {
        name: "seq",
        in: "query",
        description: "The exclusive cursor: entries after this sequence number (default 0).",
        schema: { type: "integer", minimum: 0, maximum: maxFeedSequence },
      },
      {
        name: "pageSize",
        in: "query",
        description: `Entries per page, 1 to ${maxFeedPageSize} (default ${maxFeedPageSize}).`,
        schema: { type: "integer" },
      },
      {
        name: "orderBy",
        in: "query",
        description:
          "Asc (oldest first, the default) or Desc (newest first; orderBy=Desc&pageSize=1 finds the tail).",
        schema: { type: "string", enum: ["Asc", "Desc"] },
      },
      {
        name: "allTransitions",
        in: "query",
        description:
          "varsel extension: true lists every entry, not only Altinn's final statuses (default false). Transitions (Processing, Processed, Cancelled) are written for a tenant with an order.status webhook subscription, or for all when the operator sets STATUS_FEED_TRANSITIONS=all.",
        schema: { type: "boolean" },
      },
    ],
    summary:
      "Orders that reached a final status, with their recipients, after a sequence cursor (query allTransitions=true: every status change)",
    responses: {
      "200": { description: "Entries, oldest first (orderBy=Asc) or newest first.", body: "StatusFeed" },
      "400": "Invalid query.",
      ...clientClosedResponse,
    },
  },
  {
    method: "post",
    route: "orders",
    operationId: "createOrder",
    summary: "Legacy: order a notification to many recipients",
    requestBody: "NotificationOrderRequest",
    responses: {
      "202": {
        description: "Accepted, with the recipient lookup summary.",
        body: "OrderAccepted",
        headers: orderLocation,
      },
      ...createResponses,
    },
  },
  {
    method: "post",
    route: "orders/email",
    operationId: "createEmailOrder",
    summary: "Legacy: order an email",
    requestBody: "EmailNotificationOrderRequest",
    responses: {
      "202": { description: "Accepted.", body: "OrderAccepted", headers: orderLocation },
      ...createResponses,
    },
  },
  {
    method: "post",
    route: "orders/sms",
    operationId: "createSmsOrder",
    summary: "Legacy: order an SMS",
    requestBody: "SmsNotificationOrderRequest",
    responses: {
      "202": { description: "Accepted.", body: "OrderAccepted", headers: orderLocation },
      ...createResponses,
    },
  },
  {
    method: "get",
    route: "orders",
    operationId: "listOrders",
    parameters: [
      {
        name: "sendersReference",
        in: "query",
        required: true,
        description: "The sendersReference the orders were registered with (at most 256 characters).",
      },
    ],
    summary: "Legacy: orders by sendersReference",
    responses: {
      "200": { description: "Matching orders.", body: "NotificationOrderList" },
      "400": "sendersReference missing.",
    },
  },
  {
    method: "get",
    route: "orders/{id}",
    operationId: "getOrder",
    summary: "Legacy: one order",
    responses: { "200": { description: "The order.", body: "NotificationOrder" }, ...orderResponses },
  },
  {
    method: "get",
    route: "orders/{id}/status",
    operationId: "getOrderStatus",
    summary: "Legacy: processing status and per-channel counts",
    responses: {
      "200": { description: "The status.", body: "NotificationOrderWithStatus" },
      ...orderResponses,
    },
  },
  {
    method: "put",
    route: "orders/{id}/cancel",
    operationId: "cancelOrder",
    summary: "Legacy: cancel an order (or a reminder)",
    responses: {
      "200": { description: "Cancelled (or already cancelled).", body: "NotificationOrderWithStatus" },
      "409": "Processing started or due within 5 minutes.",
      ...orderResponses,
    },
  },
  {
    method: "get",
    route: "orders/{id}/notifications/email",
    operationId: "getEmailNotifications",
    summary: "Legacy: the emails of an order",
    responses: {
      "200": { description: "Emails with their status.", body: "EmailNotificationSummary" },
      ...orderResponses,
    },
  },
  {
    method: "get",
    route: "orders/{id}/notifications/sms",
    operationId: "getSmsNotifications",
    summary: "Legacy: the SMS of an order",
    responses: {
      "200": { description: "SMS with their status.", body: "SmsNotificationSummary" },
      ...orderResponses,
    },
  },
  {
    method: "get",
    route: "operations/dead-delivery-reports",
    operationId: "listDeadDeliveryReports",
    summary:
      "Operators: delivery reports that could not be applied (scope altinn:notifications.support.admin)",
    responses: {
      "200": { description: "Unresolved dead delivery reports.", body: "DeadDeliveryReportList" },
      ...operatorResponses,
    },
  },
  {
    method: "post",
    route: "operations/dead-delivery-reports/replay",
    operationId: "replayDeadDeliveryReports",
    summary: "Operators: put dead delivery reports back on the delivery-report queue",
    responses: {
      "200": { description: "Replayed.", body: "DeadDeliveryReportReplay" },
      ...operatorResponses,
    },
  },
  {
    method: "post",
    route: "operations/erasure",
    operationId: "erasePerson",
    summary:
      "Operators: delete or anonymise everything stored about one national identity number (scope altinn:notifications.support.admin)",
    requestBody: "ErasureRequest",
    responses: {
      "200": { description: "What was removed or anonymised.", body: "ErasureReport" },
      "400": "Not a valid national identity number (problem+json with errors by field path).",
      "413": "Body over 1 MiB.",
      "415": "Content-Type is not application/json (a charset, if given, must be utf-8).",
      ...operatorResponses,
    },
  },
  {
    method: "post",
    route: "delivery-reports/sms",
    operationId: "receiveSmsDeliveryReport",
    summary: "LINK delivery reports (Basic auth)",
    responses: {
      "200": {
        description: "Applied; the PSWin acknowledgement.",
        body: "PlainText",
        contentType: "application/xml",
      },
      "400": "Not a PSWin delivery report, or not UTF-8.",
      "401": "Wrong credentials.",
      "413": "Body over 1 MiB.",
      "415": "Content-Type is not application/xml, text/xml or text/plain.",
    },
    secured: false,
  },
  ...webhookOperations,
  ...templateOperations,
  ...supportOperations,
  ...bulkOrderOperations,
  {
    method: "get",
    route: "health",
    operationId: "health",
    summary: "Liveness",
    responses: { "200": { description: "Healthy.", body: "PlainText", contentType: "text/plain" } },
    secured: false,
  },
  {
    method: "get",
    route: "openapi.json",
    operationId: "openapi",
    summary: "This document",
    responses: { "200": { description: "OpenAPI 3.1.", body: "OpenApiDocument" } },
    secured: false,
  },
];

const problemSchema = {
  type: "object",
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    code: { type: "string", description: "Altinn problem code, e.g. NOT-00001." },
    errors: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
  },
  required: ["title", "status"],
};

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return rest;
}

const problemContent = {
  "application/problem+json": { schema: { $ref: "#/components/schemas/ProblemDetails" } },
};

function headerObjects(spec: ResponseSpec | ProblemSpec) {
  const headers = [
    ...Object.entries(spec.headers ?? {}).map(
      ([name, description]) => [name, { description, required: true, schema: { type: "string" } }] as const,
    ),
    ...Object.entries(spec.optionalHeaders ?? {}).map(
      ([name, description]) => [name, { description, schema: { type: "string" } }] as const,
    ),
  ];
  return headers.length > 0 ? { headers: Object.fromEntries(headers) } : {};
}

function responseObject(spec: AnswerSpec) {
  if (typeof spec === "string") return { description: spec, content: problemContent };
  if (!isSuccessSpec(spec)) {
    return { description: spec.description, ...headerObjects(spec), content: problemContent };
  }
  return {
    description: spec.description,
    ...headerObjects(spec),
    content: {
      [spec.contentType ?? "application/json"]: { schema: { $ref: `#/components/schemas/${spec.body}` } },
    },
  };
}

function operationObject(op: OperationSpec) {
  const pathParameters = [...op.route.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    // Ids are GUIDs; a bulk order's part is its number.
    schema: m[1] === "part" ? { type: "integer", minimum: 1 } : { type: "string", format: "uuid" },
  }));
  const parameters = [
    ...pathParameters,
    ...(op.parameters ?? []).map((parameter) => ({
      name: parameter.name,
      in: parameter.in,
      required: parameter.required ?? false,
      description: parameter.description,
      schema: parameter.schema ?? { type: "string" },
    })),
  ];
  const responses = Object.fromEntries(
    Object.entries(op.responses).map(([status, spec]) => [status, responseObject(spec)]),
  );
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.requestBodyContent ? { requestBody: { required: true, content: op.requestBodyContent } } : {}),
    ...(op.requestBody
      ? {
          requestBody: {
            required: op.requestBodyRequired ?? true,
            content: { "application/json": { schema: { $ref: `#/components/schemas/${op.requestBody}` } } },
          },
        }
      : {}),
    responses,
    ...(op.secured === false ? { security: [] } : {}),
  };
}

/**
 * The time limits in one sentence: JSON Schema cannot put a maximum on a date-time relative to "now", so the
 * horizon is stated here and in each send time's description (the numbers come from the same constants).
 */
const timeLimits =
  `Limits: every send time (requestedSendTime, a reminder's requestedSendTime, and the main requestedSendTime plus a reminder's delayDays) ` +
  `must be at most ${schedulingHorizonText} after the request; delayDays ${delayDaysLimits.min}–${delayDaysLimits.max}; ` +
  `instant SMS timeToLiveInSeconds ${instantSmsTimeToLiveSeconds.min}–${instantSmsTimeToLiveSeconds.max}. ` +
  "Beyond them the answer is 400 with the field path in errors.";

/**
 * The size limits in one sentence; each string's maxLength and each list's maxItems are also in the request
 * schemas, from the same constants.
 */
const sizeLimits =
  `Request bodies: UTF-8 JSON sent as application/json (else 415), at most ${maxBodyBytes} bytes (else 413), ` +
  `nested at most ${maxJsonDepth} deep; no text in them may hold a control character other than tab, CR and LF, ` +
  `or a lone surrogate. At most ${maxReminders} reminders per order and ${maxLegacyRecipients} recipients per ` +
  `legacy order. Text: references ${maxTextLength.reference} characters, email addresses ` +
  `${maxTextLength.emailAddress}, mobile numbers ${maxTextLength.mobileNumber}, SMS senders ${maxTextLength.smsSender}, ` +
  `condition endpoints ${maxTextLength.url}, email subjects ${maxTextLength.emailSubject}, email bodies ` +
  `${maxTextLength.emailBody}, SMS bodies ${maxTextLength.smsBody} and ${maxSmsSegments} SMS segments (GSM 7-bit: 153 characters a segment, UCS-2: 67). A 400 lists at most ${maxReportedErrors} problems.`;

/** The OpenAPI 3.1 document of the API, built from the validating schemas. */
export function openApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = `/${op.route}`;
    paths[path] = { ...paths[path], [op.method]: operationObject(op) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "varsel notifications API",
      version: "1.0.0",
      description: `Compatible with Altinn Notifications' public API under /notifications/api/v1. Authenticate with a Maskinporten token carrying the scope altinn:serviceowner/notifications.create. ${timeLimits} ${sizeLimits}`,
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: {
        ProblemDetails: problemSchema,
        ...Object.fromEntries(
          Object.entries(requestSchemas).map(([name, schema]) => [name, jsonSchemaOf(schema)]),
        ),
        ...Object.fromEntries(
          Object.entries(responseSchemas).map(([name, schema]) => [name, jsonSchemaOf(schema)]),
        ),
      },
    },
  };
}
