import { parseArgs } from "node:util";
import { localSigningKey, signLocalToken } from "./signingKey";

/** `npm run token -- --org <orgnr> [--scope <scopes>] [--expires <seconds>]`: prints a bearer token. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      org: { type: "string" },
      scope: { type: "string" },
      expires: { type: "string", default: "3600" },
    },
  });
  if (!values.org || !/^\d{9}$/.test(values.org)) {
    process.stderr.write(
      "usage: npm run token -- --org <9-digit organisation number> [--scope <scopes>] [--expires <seconds>]\n",
    );
    process.exit(2);
  }
  const key = await localSigningKey();
  const token = await signLocalToken(key, {
    organizationNumber: values.org,
    scope: values.scope,
    expiresInSeconds: Number(values.expires),
  });
  process.stdout.write(`${token}\n`);
}

void main();
