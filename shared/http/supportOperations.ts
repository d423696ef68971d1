import { clientClosedResponse } from "./documentedProblems";
import type { OperationSpec, ParameterSpec } from "./openapi";

const supportResponses = {
  "400": "Validation problem: the header or the from/to range (problem+json with errors).",
  "401": "No valid bearer token.",
  "403": "The token lacks the support scope altinn:notifications.support.admin.",
};
/** The recipient travels in a header, never in the URL, so it stays out of access logs (as Altinn). */
const dashboardParameters = (header: string, what: string): ParameterSpec[] => [
  { name: header, in: "header", required: true, description: `The ${what} whose notifications are listed.` },
  {
    name: "from",
    in: "query",
    description: "UTC start of the range (default 7 days ago; not in the future, at most 10 years ago).",
    schema: { type: "string", format: "date-time" },
  },
  {
    name: "to",
    in: "query",
    description: "UTC end of the range (default now; later than from, not in the future).",
    schema: { type: "string", format: "date-time" },
  },
];
const shipments = (who: string) => ({
  description: `The shipments to ${who} from every organisation, newest send time first.`,
  body: "RecipientShipmentList" as const,
});

/** Altinn's support and test-helper routes, listed in `openapi.json` with the others. */
export const supportOperations: OperationSpec[] = [
  {
    method: "get",
    route: "future/dashboard/recipients/notifications/nin",
    operationId: "dashboardByNin",
    parameters: dashboardParameters("NationalIdentityNumber", "national identity number"),
    summary:
      "Support: a person's notifications (header NationalIdentityNumber; query from/to in UTC, default the last 7 days)",
    responses: { "200": shipments("the person"), ...supportResponses, ...clientClosedResponse },
  },
  {
    method: "get",
    route: "future/dashboard/recipients/notifications/orgnumber",
    operationId: "dashboardByOrgNumber",
    parameters: dashboardParameters("OrganizationNumber", "organisation number"),
    summary:
      "Support: an organisation's notifications (header OrganizationNumber; query from/to in UTC, default the last 7 days)",
    responses: { "200": shipments("the organisation"), ...supportResponses, ...clientClosedResponse },
  },
  ...(["sms", "email"] as const).map((channel): OperationSpec => ({
    method: "post",
    route: `metrics/${channel}`,
    operationId: channel === "sms" ? "dailySmsMetrics" : "dailyEmailMetrics",
    summary: `Operators: yesterday's ${channel === "sms" ? "SMS" : "emails"} as Altinn's daily Parquet file (header X-API-Key, or the support scope)`,
    parameters: [
      {
        name: "X-API-Key",
        in: "header",
        description:
          "Altinn's metrics key (METRICS_API_KEY). Without this header, a bearer token with the support scope altinn:notifications.support.admin is accepted instead.",
      },
    ],
    responses: {
      "200": {
        description: "The file (X-File-Hash: MD5, base64; X-Total-FileTransfer-Count: rows).",
        body: "ParquetFile",
        contentType: "application/octet-stream",
      },
      "401": "No, an empty or a wrong X-API-Key (JSON {error}), and no support-scope token.",
    },
    secured: false,
  })),
  {
    method: "get",
    route: "metrics/monthly",
    operationId: "monthlyMetrics",
    parameters: [
      {
        name: "year",
        in: "query",
        description: "The year (UTC; default the current year).",
        schema: { type: "integer" },
      },
      {
        name: "month",
        in: "query",
        description: "The month, 1-12 (UTC; default the current month).",
        schema: { type: "integer", minimum: 1, maximum: 12 },
      },
    ],
    summary: "Operators: notifications per organisation and channel in a month (query year, month; UTC)",
    responses: {
      "200": { description: "The counts.", body: "MonthlyUsage" },
      "400": "Invalid year or month.",
      "401": "No valid bearer token.",
      "403": "The token lacks the support scope altinn:notifications.support.admin.",
    },
  },
  {
    method: "get",
    route: "tests/sendcondition",
    operationId: "testSendCondition",
    parameters: [
      {
        name: "conditionMet",
        in: "query",
        description:
          "true: the answer says send; anything else (or nothing) says do not, as Altinn's unvalidated binding.",
      },
    ],
    summary:
      "Test helper: a condition endpoint answering conditionMet (local mode, or TEST_SENDCONDITION_ENABLED)",
    responses: {
      "200": { description: "The condition as given.", body: "SendConditionResponse" },
      "404": "Not served here.",
    },
    secured: false,
  },
];
