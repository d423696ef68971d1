"use strict";
// The floor of bench/intake: the same route, host and Cosmos SDK client as varsel's intake, but the handler only
// parses the body and creates one document. No authentication, validation, lookup or idempotency.
const { randomUUID } = require("node:crypto");
const { join } = require("node:path");
const { app } = require("@azure/functions");
const { createCosmosClient } = require(
  join(__dirname, "..", "..", "..", "dist", "shared", "adapters", "cosmos", "client.js"),
);

// bench/floorService.js sets the embedded store's endpoint and key before the host loads this file.
const orders = createCosmosClient({
  endpoint: process.env.COSMOS_ENDPOINT,
  key: process.env.COSMOS_KEY,
  database: "varsel",
})
  .database("varsel")
  .container("orders");

app.http("floorOrders", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "future/orders",
  handler: async (request) => {
    const body = await request.json();
    const id = randomUUID();
    await orders.items.create({ id, pk: id, docType: "floor", body });
    return {
      status: 201,
      jsonBody: { notificationOrderId: id },
      headers: { location: `${request.url}/${id}` },
    };
  },
});
