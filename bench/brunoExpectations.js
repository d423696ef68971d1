"use strict";
// What Altinn's code answers to each request of its Bruno collection, with the data bench/bruno.js gives it.
// Each judge returns undefined when varsel's response is what Altinn's would be, else why it is not. The
// reasons cite Altinn/altinn-notifications, components/api/src/Altinn.Notifications.

/** The folders bench/bruno.js runs, in Bruno's own order (test-util only calls Altinn's token generator). */
const folders = ["instant-demo", "v1", "v2 (future)", "metrics", "dashboard"];

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function status(expected, check) {
  return (result, context) => {
    const got = result.response?.status;
    if (got !== expected) return `expected ${expected}: ${summary(result)}`;
    return check?.(result.response, context, result);
  };
}

function summary(result) {
  if (result.error) return String(result.error);
  const body = result.response?.data;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return `got ${result.response?.status} ${String(text ?? "").slice(0, 300)}`;
}

/** A v2 receipt: `notificationOrderId` and `notification.shipmentId`, both GUIDs. */
function receipt(response) {
  const body = response.data;
  if (!guid.test(body?.notificationOrderId ?? "") || !guid.test(body?.notification?.shipmentId ?? ""))
    return `not an order chain receipt: ${JSON.stringify(body)}`;
  return undefined;
}

/** The same receipt as an earlier request of the collection (Altinn's idempotency: 200, original receipt). */
function sameReceiptAs(file) {
  return (response, context) => {
    const earlier = context.seen[file]?.response?.data;
    if (JSON.stringify(earlier) !== JSON.stringify(response.data))
      return `not the original receipt of ${file}: ${JSON.stringify(response.data)}`;
    return undefined;
  };
}

/** ValidationProblemDetails listing `errors` under the given keys. */
function problemWith(...keys) {
  return (response) => {
    const errors = response.data?.errors ?? {};
    const missing = keys.filter((k) => !(k in errors));
    return missing.length ? `errors lack ${missing.join(", ")}: ${JSON.stringify(response.data)}` : undefined;
  };
}

/** A shipment read answers 200 for a shipment the collection created, 404 for anything else (`{id:guid}`). */
function shipmentRead(result, context) {
  const id = decodeURIComponent(
    String(result.request?.url ?? "")
      .split("/")
      .pop() ?? "",
  );
  const created = Object.values(context.seen).some(
    (r) => r.response?.data?.notification?.shipmentId === id && r.response?.status < 300,
  );
  return status(created ? 200 : 404)(result, context);
}

function outboxEmail(subject) {
  return (response, context) => {
    const found = context.outbox.some((m) => m.subject === subject);
    return found ? undefined : `no email with the subject ${JSON.stringify(subject)} in the outbox`;
  };
}

/** A Parquet file (it starts with the magic bytes PAR1) with Altinn's file headers. */
function parquet(response) {
  const headers = response.headers ?? {};
  const missing = ["x-file-hash", "x-file-size", "x-total-filetransfer-count", "x-generated-at"].filter(
    (name) => !(name in headers),
  );
  if (missing.length) return `no ${missing.join(", ")} header`;
  return String(response.data ?? "").startsWith("PAR1") ? undefined : "not a Parquet file";
}

const created = status(201, receipt);
const pastReminder = status(400);
const v2 = (name) => `v2 (future)/${name}`;
const create = (name) => v2(`create-notifications/${name}`);

const expectations = {
  // InstantOrdersController: tracking by (creator, idempotencyId) across every instant route; 200 with the
  // original response, whatever the new content.
  "instant-demo/idempotency-demo/idempotency-email-1st.bru": { judge: status(201, receipt) },
  "instant-demo/idempotency-demo/idempotency-email-2nd.bru": {
    judge: status(200, sameReceiptAs("instant-demo/idempotency-demo/idempotency-email-1st.bru")),
  },
  "instant-demo/main/instant-email.bru": { judge: created },
  "instant-demo/main/instant-sms.bru": { judge: created },
  "instant-demo/main/check-notification-status.bru": { judge: shipmentRead },

  // OrdersController (v1): 202 with the recipient lookup; the reads name orders of Altinn's test environment.
  "v1/create-order-with-email-preferred-org.bru": { judge: status(202) },
  "v1/create order with smsPreferred ORG.bru": { judge: status(202) },
  "v1/create-order-with-email-preferred-nin.bru": { judge: status(202) },
  "v1/get original notification order.bru": { judge: status(404) },
  "v1/get notification order status.bru": { judge: status(404) },
  "v1/get email notifications on order.bru": { judge: status(404) },
  "v1/get sms notifications on order.bru": { judge: status(404) },

  [v2("create instant-notification/Send Instant SMS (old endpoint).bru")]: { judge: created },
  [v2("create instant-notification/Send Instant SMS.bru")]: { judge: created },
  [v2("create instant-notification/Send instant email.bru")]: { judge: created },

  // The reminder's requestedSendTime is hard-coded to 2025-08-06: Altinn refuses a past send time too.
  [create("Fulfilling eForvaltningsforskriften §8 ORG.bru")]: { judge: pastReminder },
  [create("Fulfilling eForvaltningsforskriften §8 NIN.bru")]: { judge: created },
  [create("demo-notification-with-2-reminders.bru")]: { judge: created },
  [create("fulfilling-eforv-paragraf8-custom-sender.bru")]: { judge: created },
  [create("two-organizations-one-reminder.bru")]: { judge: created },
  [create("mvp-sms.bru")]: { judge: created },
  [create("mvp-email.bru")]: { judge: created },
  // Model binding: the required idempotencyId and recipient are missing. (The collection's second test,
  // `contain("ValidationError")` on a parsed object, fails against Altinn as well.)
  [create("validation-demo-contract.bru")]: {
    judge: status(400, problemWith("$", "notificationOrderRequest")),
  },
  [create("condition-url/condition-false-dont-send.bru")]: { judge: created },
  [create("condition-url/condition-true-send.bru")]: { judge: created },
  [create("condition-url/non-200-condition-send.bru")]: { judge: created },
  // ExternalIdentityUrn: idporten-email and the username aliases (legacy-selfidentified) are looked up.
  [create("external-identity/external-identity-idporten-email.bru")]: { judge: created },
  [create("external-identity/external-identity-legacy-username.bru")]: { judge: created },
  [create("idempotency-demo/idempotency-request-1.bru")]: { judge: created },
  [create("idempotency-demo/idempotency-request-2-plus.bru")]: {
    judge: status(200, sameReceiptAs(create("idempotency-demo/idempotency-request-1.bru"))),
  },
  // ComposedEmailOrdersController with SasFileReferenceRules.
  [create("composed-email/happy-path-single-pdf.bru")]: { judge: created },
  [create("composed-email/happy-path-multiple-file-references.bru")]: { judge: created },
  [create("composed-email/validation-expired-sas.bru")]: { judge: status(400) },
  [create("composed-email/validation-unsupported-mime-type.bru")]: { judge: status(400) },
  [create("composed-email/validation-missing-sas-parameters.bru")]: { judge: status(400) },
  [create("composed-email/validation-http-sas-url.bru")]: { judge: status(400) },
  [create("composed-email/validation-non-azure-sas-host.bru")]: { judge: status(400) },

  // StatusFeedController: query names bind case-insensitively (`pagesize`); nothing after seq 568687.
  [v2("get-status-updates/get statusfeed.bru")]: {
    judge: status(200, (r) => (Array.isArray(r.data) && r.data.length === 0 ? undefined : "expected []")),
  },
  [v2("get-status-updates/get-status-on-all-updates-since-x.bru")]: {
    judge: status(200, (r) => (Array.isArray(r.data) ? undefined : "expected an array")),
  },
  [v2("get-status-updates/get-status-on-single-item.bru")]: { judge: shipmentRead },

  // Subject: each \r\n, \r and \n becomes one space (EmailTemplateRules / the order mapper).
  [v2("validations-and-transformations/transform-newline-in-email-subject.bru")]: {
    judge: status(201, outboxEmail("(TEST) Multiline Email Subject -  Covering  all platforms")),
  },
  // MustBeValidNationalIdentityNumber asks for 11 digits only, so 00000000000 passes validation; the contact
  // register does not know it: 422 NOT-00001.
  [v2("validations-and-transformations/validation-functional.bru")]: { judge: status(422) },
  [v2("validations-and-transformations/validation-content-rules.bru")]: { judge: status(400) },
  [v2("validations-and-transformations/validation-technical-framework.bru")]: {
    judge: status(400, problemWith("$", "notificationOrderRequest")),
  },

  // MetricsController: the X-API-Key filter, then yesterday's file as application/octet-stream (Parquet).
  "metrics/Get Daily Sms metrics.bru": { judge: status(200, parquet) },
  "metrics/Get Daily Email metrics.bru": { judge: status(200, parquet) },
  // DashboardController needs the scope altinn:notifications.support.admin; the collection's token has not.
  "dashboard/Get notifications by NIN.bru": { judge: status(403) },
  "dashboard/Get notifications by org number.bru": { judge: status(403) },
};

module.exports = { expectations, folders };
