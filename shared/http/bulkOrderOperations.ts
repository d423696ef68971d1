import { bulkLimits, recipientLineFields } from "../domain/requests/bulkOrder";
import { throttledResponse } from "./documentedProblems";
import type { OperationSpec } from "./openapi";

const bulk = "future/orders/bulk";
const bulkResponses = {
  "401": "No valid bearer token.",
  "403": "The token lacks the scope.",
  "404": "No such bulk order for this organisation.",
};
const rateLimited = throttledResponse("The organisation's request rate is used up.");
const viewLocation = { location: "The URL of the bulk order (GET future/orders/bulk/{id})." };

/** A line of either format: one recipient field per line (NDJSON object, or CSV column under a header row). */
const recipientLine = {
  type: "object",
  description: `One recipient: exactly one of ${recipientLineFields.join(", ")}, with the rules and messages of the future/orders recipient types.`,
  properties: Object.fromEntries(recipientLineFields.map((field) => [field, { type: "string" }])),
};

/** The bulk order routes (docs/bulk-orders.md), listed in `openapi.json` with the others. */
export const bulkOrderOperations: OperationSpec[] = [
  {
    method: "post",
    route: bulk,
    operationId: "createBulkOrder",
    summary:
      "Create a bulk order: the settings of a future order without its recipient; recipients follow in parts",
    requestBody: "BulkOrderRequest",
    responses: {
      "201": { description: "Created.", body: "BulkOrderReceipt", headers: viewLocation },
      "200": {
        description: "Replay of the same idempotencyId.",
        body: "BulkOrderReceipt",
        headers: viewLocation,
      },
      "400": "Validation problem (problem+json with errors by field path).",
      "401": "No valid bearer token.",
      "403": "The token lacks the scope.",
      "409": "The idempotencyId was used for a different request.",
      "413": "Body over 1 MiB.",
      "415": "Content-Type is not application/json.",
      "429": rateLimited,
    },
  },
  {
    method: "get",
    route: `${bulk}/{id}`,
    operationId: "getBulkOrder",
    summary: "A bulk order's parts and progress",
    responses: { "200": { description: "The bulk order.", body: "BulkOrderView" }, ...bulkResponses },
  },
  {
    method: "put",
    route: `${bulk}/{id}/recipients/{part}`,
    operationId: "uploadBulkRecipients",
    summary: `Upload part {part} (1–${bulkLimits.parts}) of the recipients: NDJSON or CSV, up to ${bulkLimits.partRecipients} lines, streamed`,
    requestBodyContent: {
      "application/x-ndjson": {
        schema: { type: "string", description: "One JSON object per line.", "x-line": recipientLine },
      },
      "text/csv": {
        schema: {
          type: "string",
          description: `A header row naming columns (${recipientLineFields.join(", ")}; others ignored), then one recipient per row.`,
        },
      },
    },
    responses: {
      "201": { description: "Accepted.", body: "BulkPartReceipt" },
      "200": {
        description: "Accepted before with the same recipients; nothing written.",
        body: "BulkPartReceipt",
      },
      "400":
        "Invalid lines (lineErrors: line, field, message; the first 100, invalidLines counts all): nothing of the part kept. Or no recipient, too many, a bad part number.",
      ...bulkResponses,
      "409":
        "Submitted or cancelled; the part is being uploaded by another request; or accepted before with other recipients.",
      "413": `Body over ${bulkLimits.partBytes} bytes.`,
      "415": "Content-Type is not application/x-ndjson or text/csv (a charset, if given, must be utf-8).",
      "429": rateLimited,
    },
  },
  {
    method: "post",
    route: `${bulk}/{id}/submit`,
    operationId: "submitBulkOrder",
    summary: "Submit the uploaded parts: the order is registered and processed at its send time",
    responses: {
      "202": { description: "Submitted (again).", body: "BulkSubmission", headers: viewLocation },
      ...bulkResponses,
      "409": "Cancelled, no part, a part missing or still uploading, or a part but the last not full.",
      "429": throttledResponse(
        "The organisation's request rate is used up, or its recipients would take the month past the monthly notification quota (problem type quota-exceeded; nothing submitted or counted, the order stays open).",
      ),
    },
  },
  {
    method: "put",
    route: `${bulk}/{id}/cancel`,
    operationId: "cancelBulkOrder",
    summary:
      "Cancel a bulk order before submission, or its order while Registered and 5 minutes before its send time",
    responses: {
      "200": { description: "Cancelled (again).", body: "BulkOrderView" },
      ...bulkResponses,
      "409": "Its order has started, or its send time is less than 5 minutes away.",
    },
  },
];
