import "../shared/telemetry/start";
import { app } from "@azure/functions";
import { hostServices } from "../shared/app/hostServices";
import {
  cancelBulkOrderEndpoint,
  createBulkOrder,
  getBulkOrder,
  submitBulkOrderEndpoint,
  uploadBulkRecipients,
} from "../shared/http/handlers/bulkOrders";

// Request bodies arrive as streams (the bulk upload reads its lines as they come); see shared/http/streamedFunctions.ts.
app.setup({ enableHttpStream: true });

app.http("createBulkOrder", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "future/orders/bulk",
  handler: createBulkOrder(hostServices),
});
app.http("getBulkOrder", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "future/orders/bulk/{id}",
  handler: getBulkOrder(hostServices),
});
app.http("uploadBulkRecipients", {
  methods: ["PUT"],
  authLevel: "anonymous",
  route: "future/orders/bulk/{id}/recipients/{part}",
  handler: uploadBulkRecipients(hostServices),
});
app.http("submitBulkOrder", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "future/orders/bulk/{id}/submit",
  handler: submitBulkOrderEndpoint(hostServices),
});
app.http("cancelBulkOrder", {
  methods: ["PUT"],
  authLevel: "anonymous",
  route: "future/orders/bulk/{id}/cancel",
  handler: cancelBulkOrderEndpoint(hostServices),
});
