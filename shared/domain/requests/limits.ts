/**
 * The bounds on the size and shape of what a client sends, in one place (time fields are in `timeLimits.ts`).
 * The request schemas, the body reader and the query readers take their numbers from here, and the README
 * and the OpenAPI document describe these values.
 *
 * Altinn bounds none of these beyond ASP.NET's defaults (a 30 MB body, JSON nested at most 64 deep, 200
 * model errors): a request may carry any number of reminders, each stored as an order inside the request,
 * and text of any length. varsel keeps every request to a bounded amount of work and storage. Each bound is
 * far above what a notification needs, so no client doing something sensible is refused.
 */

/** The largest request body, in bytes (413 beyond). */
export const maxBodyBytes = 1024 * 1024;

/** JSON nesting (objects and arrays) as System.Text.Json's default MaxDepth: 64 levels read, the 65th refused. */
export const maxJsonDepth = 64;

/**
 * Reminders per `future/orders` request. Each becomes an order, registered (with its contact lookup) before
 * the response; Altinn's guides show one or two, and twenty is a reminder a day for three weeks.
 */
export const maxReminders = 20;

/**
 * Recipients per legacy order. A 1 MiB body holds about 25,000 short ones; this cap keeps the registration
 * (validation and one contact lookup each) to about a second and one order to a size the store takes.
 */
export const maxLegacyRecipients = 10_000;

/**
 * Attachments per composed email. ACS caps the whole message at 10 MiB anyway; the cap keeps the downloads of
 * one send (one at a time) bounded in number too.
 */
export const maxAttachments = 20;

/** Problems listed in one 400, as ASP.NET's `MvcOptions.MaxModelValidationErrors`. */
export const maxReportedErrors = 200;

/** ASP.NET's message when the 200 are reached, under the key `""`. */
export const tooManyErrorsMessage = "The maximum number of allowed model errors has been reached.";

/** The longest text each kind of field takes, in characters (UTF-16 code units, as JavaScript counts). */
export const maxTextLength = {
  /** idempotencyId, sendersReference, dialogportenAssociation ids, resourceId, resourceAction. */
  reference: 256,
  /** An email address (RFC 5321: a forward path holds at most 254 characters). */
  emailAddress: 254,
  /** A mobile number as sent: E.164 is 15 digits, with room for `+`, `00` and spaces. */
  mobileNumber: 32,
  /** An SMS sender: the gateway takes 11 letters or 15 digits and shortens longer ones itself. */
  smsSender: 64,
  /** A recipient's external identity: the longest URN prefix and an email address. */
  externalIdentity: 320,
  /** A send-condition URL. */
  url: 2048,
  /** An email subject: one header line (RFC 5322 allows 998 characters). */
  emailSubject: 998,
  /** An email body. */
  emailBody: 500_000,
  /** An SMS body: 16 segments of 134 characters, where Altinn's gateway stops (it truncates longer text). */
  smsBody: 2144,
  /** An attachment's file name (most file systems stop at 255). */
  attachmentFilename: 255,
  /** An attachment's MIME type (RFC 6838: 127 characters each for type and subtype). */
  mimeType: 255,
  /** An attachment's SAS URL: a blob path of up to 1024 characters and its SAS parameters. */
  sasUrl: 4096,
} as const;

/** The largest `seq` cursor accepted by the status feed: a JavaScript safe integer. */
export const maxFeedSequence = Number.MAX_SAFE_INTEGER;
