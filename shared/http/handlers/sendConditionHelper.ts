import { json, openEndpointWithDependencies } from "../endpoint";
import { problem } from "../problem";
import { queryValue } from "../query";

/**
 * `GET tests/sendcondition?conditionMet=`: Altinn's test helper, a condition endpoint that answers what it is
 * told, so a service owner can try send conditions against the service itself. Served in local mode and where
 * TEST_SENDCONDITION_ENABLED is set; elsewhere the route does not exist (404). Like Altinn's controller (no
 * `[ApiController]`, no token), a value that is not a boolean binds as false.
 */
export const testSendCondition = openEndpointWithDependencies(async (request, { settings: config }) => {
  if (config.VARSEL_MODE !== "local" && !config.TEST_SENDCONDITION_ENABLED)
    return problem({ status: 404, title: "Not Found" });
  const conditionMet = queryValue(request.query, "conditionMet")?.trim().toLowerCase() === "true";
  return json(200, { sendNotification: conditionMet });
});
