/* global require, setTimeout */
/* eslint-disable @typescript-eslint/no-require-imports */
const { app } = require("@azure/functions");

// Answers after `ms` milliseconds (query), so tests can hold invocations open.
app.http("slow", {
  methods: ["GET", "POST"],
  authLevel: "anonymous",
  route: "slow",
  handler: async (request) => {
    const ms = Number(request.query.get("ms") ?? "0");
    await new Promise((resolve) => setTimeout(resolve, ms));
    const body = request.method === "POST" ? await request.text() : "";
    return { jsonBody: { waited: ms, received: body.length } };
  },
});

// Answers at once: another function, with its own line at the admission gate.
app.http("quick", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "quick",
  handler: async () => ({ jsonBody: { quick: true } }),
});
