/* global require, setTimeout, clearTimeout */
/* eslint-disable @typescript-eslint/no-require-imports */
const { app } = require("@azure/functions");

// The host's client signals (shared/platform/clientConnection.ts keeps them under this registered symbol).
const signals = () => globalThis[Symbol.for("varsel.platform.clientSignals")];

// Waits until the client goes away (at most 5 s), then answers 499 as a varsel handler does at a safe point.
app.http("waitForClient", {
  methods: ["GET", "POST"],
  authLevel: "anonymous",
  route: "wait-for-client",
  handler: async (request) => {
    const signal = signals()?.get(request);
    if (!signal) return { status: 500, jsonBody: { error: "no client signal" } };
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return signal.aborted ? { status: 499 } : { status: 200, jsonBody: { aborted: false } };
  },
});

// Answers at once, so a test can see that a client that stays is never taken for gone.
app.http("prompt", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "prompt",
  handler: async (request) => ({ jsonBody: { aborted: signals()?.get(request)?.aborted ?? null } }),
});
