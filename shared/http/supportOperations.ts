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
    responses: { "200": shipments("the person"), ...supportResponses },
  },
  {
    method: "get",
    route: "future/dashboard/recipients/notifications/orgnumber",
    operationId: "dashboardByOrgNumber",
    summary:
      "Support: an organisation's notifications (header OrganizationNumber; query from/to in UTC, default the last 7 days)",
    responses: { "200": shipments("the organisation"), ...supportResponses },
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
