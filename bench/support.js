"use strict";
// Shared by the bench scripts: start the compiled local service as `npm start` does, in this process.
const { join } = require("node:path");
const { existsSync } = require("node:fs");

const root = join(__dirname, "..");
const dist = (...parts) => join(root, "dist", ...parts);

function requireCompiled(...parts) {
  const file = dist(...parts);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  return require(file);
}

async function startService(options = {}) {
  const { startLocalService } = requireCompiled("shared", "local", "localService.js");
  return startLocalService({
    projectRoot: root,
    port: 0,
    cosmosPort: 0,
    startTimers: false,
    readLocalSettings: false,
    log: () => {},
    ...options,
  });
}

async function token(org) {
  const signing = requireCompiled("shared", "local", "signingKey.js");
  return signing.signLocalToken(await signing.localSigningKey(), { organizationNumber: org });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

module.exports = { root, requireCompiled, startService, token, percentile };
