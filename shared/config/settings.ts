import { z } from "zod";
import { defaultRetentionPolicy } from "../domain/retention";
import { serviceOwnerLimitsSchema } from "../domain/intakeLimits";
import { defaultSendingWindow, sendingWindowSchema } from "../domain/sendingWindow";
import { parseJson } from "../narrowing";

const optionalUrl = z.url().optional();
const nonEmpty = z.string().min(1);

/** The message of a key Azure mode needs and the environment lacks; a malformed value keeps zod's message. */
function requiredOnAzure(key: string) {
  return {
    error: (issue: { input: unknown }) =>
      issue.input === undefined ? `${key} is required when VARSEL_MODE is azure` : undefined,
  };
}

/** A key that only means something to the local host: on Azure its presence is a mistake. */
function localOnly(key: string) {
  return z.never({ error: `${key} is only allowed in local mode` }).optional();
}

/** The settings both hosts read the same way. */
const commonSettings = {
  COSMOS_KEY: z.string().optional(),
  COSMOS_DATABASE: nonEmpty.default("varsel"),
  /** Local mode only: the key of the embedded ACS fake. On Azure the managed identity signs requests. */
  ACS_EMAIL_ACCESS_KEY: z.string().optional(),
  EMAIL_SENDER_ADDRESS: z.email().default("donotreply@varsel.local"),
  SMS_DEFAULT_SENDER: z.string().min(1).max(11).default("Varsel"),
  /**
   * Provider pacing (docs/providers.md): sends a minute and the burst per provider resource (an ACS sender
   * domain, the LINK account), shared by every instance. 0 a minute turns pacing off for that provider.
   * ACS: 25 a minute with a burst of 5 keeps any minute within ACS's default quota of 30 (raise both
   * with the quota). LINK: the throughput agreed with LINK.
   */
  PACING_ACS_PER_MINUTE: z.coerce.number().min(0).default(25),
  PACING_ACS_BURST: z.coerce.number().int().min(1).default(5),
  PACING_LINK_PER_MINUTE: z.coerce.number().min(0).default(3000),
  PACING_LINK_BURST: z.coerce.number().int().min(1).default(100),
  AUTH_ISSUER: nonEmpty,
  AUTH_AUDIENCE: nonEmpty,
  AUTH_JWKS_URI: z.url(),
  /** Altinn validates tokens with ClockSkew = 0: an expired token is refused at once. */
  AUTH_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(0),
  /** The Daytime window as JSON, e.g. {"startHour":9,"endHour":17,"timeZone":"Europe/Oslo","workingDaysOnly":true,"holidays":"NO"}. */
  SENDING_WINDOW: z
    .string()
    .transform((text, ctx) => {
      try {
        return parseJson(text);
      } catch {
        ctx.addIssue({ code: "custom", message: "must be JSON" });
        return z.NEVER;
      }
    })
    .pipe(sendingWindowSchema)
    .default(defaultSendingWindow),
  /**
   * Per-organisation intake limits as JSON: requestsPerSecond, burst, monthlyNotifications (0: no quota), and
   * overrides by tenant under "tenants", e.g. {"requestsPerSecond":50,"burst":100,"tenants":{"991825827":{"burst":10}}}.
   */
  SERVICE_OWNER_LIMITS: z
    .string()
    .transform((text, ctx) => {
      try {
        return parseJson(text);
      } catch {
        ctx.addIssue({ code: "custom", message: "must be JSON" });
        return z.NEVER;
      }
    })
    .pipe(serviceOwnerLimitsSchema)
    .default(serviceOwnerLimitsSchema.parse({})),
  SWEEP_SCHEDULE: nonEmpty.default("0 */1 * * * *"),
  TERMINATE_SCHEDULE: nonEmpty.default("0 */5 * * * *"),
  AZURE_CLIENT_ID: z.string().optional(),
  /** Days orders, notifications and message bodies are kept after the order is final (docs/privacy.md). */
  ORDER_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(defaultRetentionPolicy.orderDays),
  /** Days a status feed entry is kept (Altinn: 90). */
  STATUS_FEED_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(defaultRetentionPolicy.statusFeedDays),
  /**
   * Which tenants' status feeds list every transition (Processing, Processed, Cancelled): `subscribers`, those
   * with an `order.status` webhook subscription; `all`, every tenant. Final outcomes are listed for all.
   */
  STATUS_FEED_TRANSITIONS: z.enum(["subscribers", "all"]).default("subscribers"),
  /** Days an unapplied delivery report is kept for an operator to replay. */
  DEAD_REPORT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(365)
    .default(defaultRetentionPolicy.deadReportDays),
  /**
   * A reused idempotencyId with a different body: `replay` answers 200 with the original receipt, as Altinn
   * does; `conflict` answers 409 (a request can ask for that with `Varsel-Idempotency: strict`).
   */
  IDEMPOTENCY_CHANGED_PAYLOAD: z.enum(["replay", "conflict"]).default("replay"),
  /**
   * The audience (Entra ID application id URI) of the bearer token sent with send-condition calls, from the
   * managed identity; unset on Azure = no token. Local mode signs one with the local key instead.
   */
  SEND_CONDITION_TOKEN_AUDIENCE: z.string().min(1).optional(),
  /** Serve Altinn's test helper `GET tests/sendcondition?conditionMet=` (always on in local mode). */
  TEST_SENDCONDITION_ENABLED: z.stringbool().default(false),
  /**
   * The X-API-Key of Altinn's daily metrics files (`POST metrics/sms`, `metrics/email`); unset = refused.
   * On Azure a Key Vault reference: while the secret is missing App Service passes the reference text on,
   * which must not become a key anyone who knows the vault's name could send.
   */
  METRICS_API_KEY: z
    .string()
    .transform((key) => (key.startsWith("@Microsoft.KeyVault(") ? undefined : key))
    .pipe(z.string().min(16).optional())
    .optional(),
};

/** On Azure: every service the app calls is named here, and its managed identity signs every call. */
export const azureSettingsSchema = z.object({
  ...commonSettings,
  VARSEL_MODE: z.literal("azure"),
  COSMOS_ENDPOINT: z.url(requiredOnAzure("COSMOS_ENDPOINT")),
  ServiceBusConnection__fullyQualifiedNamespace: z.string(
    requiredOnAzure("ServiceBusConnection__fullyQualifiedNamespace"),
  ),
  ACS_EMAIL_ENDPOINT: z.url(requiredOnAzure("ACS_EMAIL_ENDPOINT")),
  LINK_GATEWAY_URL: z.url(requiredOnAzure("LINK_GATEWAY_URL")),
  LINK_USERNAME: z.string(requiredOnAzure("LINK_USERNAME")),
  LINK_PASSWORD: z.string(requiredOnAzure("LINK_PASSWORD")),
  LINK_REPORT_USERNAME: z.string(requiredOnAzure("LINK_REPORT_USERNAME")),
  LINK_REPORT_PASSWORD: z.string(requiredOnAzure("LINK_REPORT_PASSWORD")),
  LOCAL_CLOCK_OFFSET_SECONDS: localOnly("LOCAL_CLOCK_OFFSET_SECONDS"),
  LOCAL_CLOCK_FIXED: localOnly("LOCAL_CLOCK_FIXED"),
  LOCAL_ACS_RATE_LIMIT_PER_SECOND: localOnly("LOCAL_ACS_RATE_LIMIT_PER_SECOND"),
  LOCAL_BLOB_ENDPOINT: localOnly("LOCAL_BLOB_ENDPOINT"),
});

/**
 * Local mode (`npm start`): the local host starts what Azure provides and fills in the endpoints it started,
 * so they are optional here; every key of the Azure settings is accepted.
 */
export const localSettingsSchema = z.object({
  ...commonSettings,
  VARSEL_MODE: z.literal("local"),
  COSMOS_ENDPOINT: optionalUrl,
  ServiceBusConnection__fullyQualifiedNamespace: z.string().optional(),
  ACS_EMAIL_ENDPOINT: optionalUrl,
  LINK_GATEWAY_URL: optionalUrl,
  LINK_USERNAME: z.string().optional(),
  LINK_PASSWORD: z.string().optional(),
  LINK_REPORT_USERNAME: z.string().optional(),
  LINK_REPORT_PASSWORD: z.string().optional(),
  /** Local mode only: shift or freeze "now" to try the sending rules at another time. */
  LOCAL_CLOCK_OFFSET_SECONDS: z.coerce.number().int().optional(),
  LOCAL_CLOCK_FIXED: z.iso.datetime({ offset: true }).optional(),
  /** Local mode only: the local ACS endpoint answers 429 with Retry-After above this many sends a second. */
  LOCAL_ACS_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().optional(),
  /** Local mode only: the local blob storage (Azurite) that composed-email SAS URLs may name; set by npm start. */
  LOCAL_BLOB_ENDPOINT: z.url().optional(),
});

/**
 * Every setting the service reads, the same keys locally (local.settings.json / environment) and on Azure
 * (app settings), by VARSEL_MODE. Parsed once; a bad setting fails start-up with every problem listed.
 */
const settingsSchema = z.discriminatedUnion("VARSEL_MODE", [azureSettingsSchema, localSettingsSchema]);

export type Settings = z.infer<typeof settingsSchema>;
export type AzureSettings = z.infer<typeof azureSettingsSchema>;
export type LocalSettings = z.infer<typeof localSettingsSchema>;

export class SettingsError extends Error {
  readonly kind = "configuration";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

export function parseSettings(env: Record<string, string | undefined>): Settings {
  // An empty app setting means "not set", as local.settings.json and the portal write it.
  // Without VARSEL_MODE the settings are Azure's: a deployment that forgot it must not run as local.
  const present = {
    VARSEL_MODE: "azure",
    ...Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== "")),
  };
  const result = settingsSchema.safeParse(present);
  if (result.success) return result.data;
  throw new SettingsError(result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
}

/** Every problem with the settings, or none. */
export function settingsProblems(env: Record<string, string | undefined>): string[] {
  try {
    parseSettings(env);
    return [];
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
}

let cached: Settings | undefined;

/** The process's settings, parsed on first use. */
export function settings(): Settings {
  cached ??= parseSettings(process.env);
  return cached;
}
