import { clientClosedResponse } from "./documentedProblems";
import type { OperationSpec } from "./openapi";

const supportResponses = {
  "400": "Validation problem: the header or the from/to range (problem+json with errors).",
  "401": "No valid bearer token.",
  "403": "The token lacks the support scope altinn:notifications.support.admin.",
};
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
    summary:
      "Support: a person's notifications (header NationalIdentityNumber; query from/to in UTC, default the last 7 days)",
    responses: { "200": shipments("the person"), ...supportResponses, ...clientClosedResponse },
  },
  {
    method: "get",
    route: "future/dashboard/recipients/notifications/orgnumber",
    operationId: "dashboardByOrgNumber",
    summary:
      "Support: an organisation's notifications (header OrganizationNumber; query from/to in UTC, default the last 7 days)",
    responses: { "200": shipments("the organisation"), ...supportResponses, ...clientClosedResponse },
  },
  ...(["sms", "email"] as const).map((channel): OperationSpec => ({
    method: "post",
    route: `metrics/${channel}`,
    operationId: channel === "sms" ? "dailySmsMetrics" : "dailyEmailMetrics",
    summary: `Operators: yesterday's ${channel === "sms" ? "SMS" : "emails"} as Altinn's daily Parquet file (header X-API-Key, or the support scope)`,
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
    summary:
      "Test helper: a condition endpoint answering conditionMet (local mode, or TEST_SENDCONDITION_ENABLED)",
    responses: {
      "200": { description: "The condition as given.", body: "SendConditionResponse" },
      "404": "Not served here.",
    },
    secured: false,
  },
];
