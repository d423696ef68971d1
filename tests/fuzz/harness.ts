import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import type { Dependencies } from "../../shared/app/dependencies";
import type { Endpoint } from "../../shared/http/endpoint";
import { JwtVerifier } from "../../shared/auth/jwtVerifier";
import { parseSettings } from "../../shared/config/settings";
import {
  cancelBulkOrderEndpoint,
  createBulkOrder,
  getBulkOrder,
  submitBulkOrderEndpoint,
  uploadBulkRecipients,
} from "../../shared/http/handlers/bulkOrders";
import { cancelFutureOrder, getOrderChain } from "../../shared/http/handlers/chains";
import { createComposedEmailOrder } from "../../shared/http/handlers/composedEmailOrders";
import { dashboardByNin, dashboardByOrgNumber } from "../../shared/http/handlers/dashboard";
import { receiveSmsDeliveryReport } from "../../shared/http/handlers/deliveryReports";
import {
  createInstantEmail,
  createInstantNotification,
  createInstantSms,
} from "../../shared/http/handlers/instantOrders";
import { dailyEmailMetrics, dailySmsMetrics, monthlyMetrics } from "../../shared/http/handlers/metrics";
import {
  erasePerson,
  listDeadDeliveryReports,
  replayDeadDeliveryReports,
} from "../../shared/http/handlers/operations";
import {
  createLegacyEmailOrder,
  createLegacyOrder,
  createLegacySmsOrder,
  createOrderChain,
} from "../../shared/http/handlers/orderIntake";
import {
  cancelOrderById,
  getEmailNotifications,
  getOrder,
  getOrderStatus,
  getShipment,
  getSmsNotifications,
  listOrdersBySendersReference,
} from "../../shared/http/handlers/orderReads";
import { testSendCondition } from "../../shared/http/handlers/sendConditionHelper";
import { getStatusFeed } from "../../shared/http/handlers/statusFeed";
import { health, openApi } from "../../shared/http/handlers/system";
import {
  createTemplate,
  getTemplate,
  listTenantTemplates,
  retireTenantTemplate,
} from "../../shared/http/handlers/templates";
import {
  createWebhookSubscription,
  deleteWebhookSubscription,
  getWebhookSubscription,
  listWebhookDeliveries,
  listWebhookSubscriptions,
  pauseWebhookDeliveries,
  redeliverWebhookDeliveries,
  resumeWebhookDeliveries,
  rotateWebhookSubscriptionSecret,
} from "../../shared/http/handlers/webhooks";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { testDependencies } from "../support/dependencies";
import { serviceOwnerClaims, startTestIssuer, type TestIssuer } from "../support/jwks";
import { ManualClock } from "../support/pipeline";

/**
 * Drives the real HTTP handlers (the functions the registration files register) as the Functions host calls
 * them, over an embedded Cosmos store and a real token issuer, with the providers answering "accepted".
 */

/** Every documented operation's handler, by operationId (= the registered function's name). */
export const handlers: Record<string, Endpoint> = {
  createOrderChain,
  getOrderChain,
  cancelFutureOrder,
  createInstantNotification,
  createInstantSms,
  createInstantEmail,
  createComposedEmailOrder,
  createBulkOrder,
  getBulkOrder,
  uploadBulkRecipients,
  submitBulkOrder: submitBulkOrderEndpoint,
  cancelBulkOrder: cancelBulkOrderEndpoint,
  createTemplate,
  listTemplates: listTenantTemplates,
  getTemplate,
  retireTemplate: retireTenantTemplate,
  createWebhookSubscription,
  listWebhookSubscriptions,
  getWebhookSubscription,
  deleteWebhookSubscription,
  rotateWebhookSecret: rotateWebhookSubscriptionSecret,
  pauseWebhookSubscription: pauseWebhookDeliveries,
  resumeWebhookSubscription: resumeWebhookDeliveries,
  listWebhookDeliveries,
  redeliverWebhook: redeliverWebhookDeliveries,
  dashboardByNin,
  dashboardByOrgNumber,
  dailySmsMetrics,
  dailyEmailMetrics,
  monthlyMetrics,
  testSendCondition,
  erasePerson,
  getShipment,
  getStatusFeed,
  createOrder: createLegacyOrder,
  createEmailOrder: createLegacyEmailOrder,
  createSmsOrder: createLegacySmsOrder,
  listOrders: listOrdersBySendersReference,
  getOrder,
  getOrderStatus,
  cancelOrder: cancelOrderById,
  getEmailNotifications,
  getSmsNotifications,
  listDeadDeliveryReports,
  replayDeadDeliveryReports,
  receiveSmsDeliveryReport,
  health,
  openapi: openApi,
};

export const now = new Date("2026-11-23T09:00:00.000Z");
export const tenant = "991825827";
export const reportCredentials = { username: "link-reports", password: "report-secret" };

export interface Harness {
  deps: Dependencies;
  issuer: TestIssuer;
  tokens: { valid: string; operator: string; otherTenant: string; noScope: string; expired: string };
  /** Calls one handler with the harness's dependencies; rejects with HangError when it hangs. */
  call(call: Call): Promise<Answer>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const cosmos: TestCosmos = await startTestCosmos();
  const issuer = await startTestIssuer();
  const { deps } = await testDependencies(cosmos.database, issuer, new ManualClock(now));
  deps.settings = parseSettings({
    VARSEL_MODE: "local",
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    AUTH_JWKS_URI: issuer.jwksUri,
    LINK_REPORT_USERNAME: reportCredentials.username,
    LINK_REPORT_PASSWORD: reportCredentials.password,
  });
  // The default skew (0), not the 30 s the other handler tests allow.
  deps.verifier = new JwtVerifier({
    issuer: issuer.issuer,
    audience: issuer.audience,
    jwksUri: issuer.jwksUri,
    clockSkewSeconds: deps.settings.AUTH_CLOCK_SKEW_SECONDS,
  });
  const epoch = Math.floor(Date.now() / 1000);
  const tokens = {
    valid: await issuer.sign(serviceOwnerClaims(tenant)),
    operator: await issuer.sign(
      serviceOwnerClaims(
        tenant,
        "altinn:serviceowner/notifications.create altinn:notifications.support.admin",
      ),
    ),
    otherTenant: await issuer.sign(serviceOwnerClaims("974760673")),
    noScope: await issuer.sign(serviceOwnerClaims(tenant, "openid")),
    expired: await issuer.sign(serviceOwnerClaims(tenant), { expiresIn: epoch - 1 }),
  };
  return {
    deps,
    issuer,
    tokens,
    call: (call) => callHandler(deps, call),
    close: async () => {
      await issuer.close();
      await cosmos.close();
    },
  };
}

export interface Call {
  operationId: string;
  method: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  ms: number;
}

/** A handler taking longer than this is a hang (the bound of issue 17's hostile-client run). */
export const hangBoundMs = 5_000;

export class HangError extends Error {}

/** Calls one handler; rejects with HangError when it has not answered within `hangBoundMs`. */
async function callHandler(deps: Dependencies, call: Call): Promise<Answer> {
  const endpoint = handlers[call.operationId];
  if (!endpoint) throw new Error(`no handler for ${call.operationId}`);
  const url = new URL(`http://localhost:7071/notifications/api/v1/${call.operationId}`);
  for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.append(key, value);
  const request = new HttpRequest({
    method: call.method,
    url: url.toString(),
    headers: call.headers ?? {},
    params: call.params ?? {},
    query: Object.fromEntries(url.searchParams.entries()),
    ...(call.body !== undefined && call.body.length > 0 ? { body: { bytes: Buffer.from(call.body) } } : {}),
  });
  const context = new InvocationContext({ functionName: call.operationId, logHandler: () => {} });
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HangError(`${call.operationId} took over ${hangBoundMs} ms`)),
      hangBoundMs,
    );
  });
  try {
    const response = (await Promise.race([
      endpoint(async () => deps)(request, context),
      hang,
    ])) as HttpResponseInit;
    const ms = performance.now() - started;
    const text =
      typeof response.body === "string"
        ? response.body
        : response.jsonBody !== undefined
          ? JSON.stringify(response.jsonBody)
          : response.body instanceof Uint8Array
            ? Buffer.from(response.body).toString("utf8")
            : "";
    return {
      status: response.status ?? 200,
      headers: new Headers(response.headers),
      text,
      ms,
    };
  } finally {
    clearTimeout(timer);
  }
}
