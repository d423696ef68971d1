/**
 * What shared/config/settings.ts asks of an Azure deployment, found by running the schema itself rather than
 * by reading its source: which keys it requires when VARSEL_MODE=azure and which it rejects there.
 */
import type { ZodType } from "zod";
import { localSettingsSchema, parseSettings, settingsProblems } from "../../shared/config/settings";
import { Expr, type BicepValue } from "./bicep";

// The local settings name every key and accept any well-formed value for it (Azure's refuse the local ones).
export const schemaKeys = Object.keys(localSettingsSchema.shape);

/** Keys the schema declares that an Azure deployment must not set, and why. */
export const localOnlySettings = [
  "COSMOS_KEY", // Cosmos DB has key auth disabled; the app uses its managed identity
  "ACS_EMAIL_ACCESS_KEY", // the key of the local ACS fake; on Azure the managed identity signs requests
  "LOCAL_CLOCK_OFFSET_SECONDS", // local clock control, rejected in azure mode
  "LOCAL_CLOCK_FIXED",
  "LOCAL_ACS_RATE_LIMIT_PER_SECOND", // the local ACS endpoint's rate limit, rejected in azure mode
  "LOCAL_BLOB_ENDPOINT", // the local blob storage (Azurite) npm start runs, rejected in azure mode
];

/** The Functions host's own settings (identity-based storage, App Insights, the trigger connection's identity). */
export const hostSettingKeys = [
  "FUNCTIONS_WORKER_RUNTIME",
  "AzureWebJobsStorage__credential",
  "AzureWebJobsStorage__clientId",
  "AzureWebJobsStorage__blobServiceUri",
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
  "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
  "ServiceBusConnection__credential",
  "ServiceBusConnection__clientId",
];

const candidates = [
  "https://varsel.example/",
  "donotreply@varsel.example",
  "30",
  "2030-01-01T00:00:00Z",
  "Varsel",
  "replay",
  "subscribers",
  "false",
  '{"startHour":9,"endHour":17,"timeZone":"Europe/Oslo","workingDaysOnly":true,"holidays":"NO"}',
];

/** A value the schema accepts for the key, standing in for one that is only known at deployment time. */
export function placeholder(key: string): string {
  if (key === "VARSEL_MODE") return "azure";
  const field = (localSettingsSchema.shape as Record<string, ZodType>)[key];
  if (!field) return "placeholder";
  const value = candidates.find((c) => field.safeParse(c).success);
  if (value === undefined) throw new Error(`no placeholder fits ${key}; add a candidate`);
  return value;
}

const problems = settingsProblems;

const flagged = (env: Record<string, string>, key: string) =>
  problems(env).some((p) => p.startsWith(`${key}:`));
const without = (env: Record<string, string>, keys: string[]) =>
  Object.fromEntries(Object.entries(env).filter(([k]) => !keys.includes(k)));

const everything = Object.fromEntries(schemaKeys.map((k) => [k, placeholder(k)]));
const rejected = schemaKeys.filter((k) => flagged(everything, k));
const accepted = without(everything, rejected);
const leftover = problems(accepted);
if (leftover.length > 0)
  throw new Error(`the settings probe cannot build a valid Azure environment:\n${leftover.join("\n")}`);

export const azureSettings = {
  /** Keys whose absence fails parsing when VARSEL_MODE=azure. */
  required: schemaKeys.filter((k) => !rejected.includes(k) && flagged(without(accepted, [k]), k)),
  /** Keys whose presence fails parsing when VARSEL_MODE=azure. */
  rejected,
  /** App settings with each deployment-time expression replaced by a placeholder the schema accepts. */
  fill(settings: Record<string, BicepValue>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(settings).map(([k, v]) => [
        k,
        typeof v === "string" ? v : v instanceof Expr ? placeholder(k) : String(v),
      ]),
    );
  },
  parse: parseSettings,
};
