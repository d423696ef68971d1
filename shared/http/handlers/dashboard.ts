import { scopes } from "../../auth/principal";
import { parseDashboardQuery } from "../../domain/requests/dashboardQuery";
import { findRecipientNotifications } from "../../usecases/findRecipientNotifications";
import { authenticatedEndpoint, json, stopIfClientClosed } from "../endpoint";
import { validationProblem } from "../problem";
import { queryValue } from "../query";
import type { RecipientShipmentView } from "../views/supportViews";

/**
 * Altinn's support dashboard (`future/dashboard/recipients/notifications/nin|orgnumber`): a person's or an
 * organisation's notifications from every service owner, behind the support scope. The identifier travels in
 * a header, never in the URL, so it stays out of access logs.
 */
function dashboardEndpoint(kind: "nin" | "orgnumber", header: string) {
  return authenticatedEndpoint(scopes.operator, async ({ request, deps }) => {
    const query = parseDashboardQuery(
      kind,
      request.headers.get(header),
      queryValue(request.query, "from"),
      queryValue(request.query, "to"),
      deps.clock.now(),
    );
    if (!query.ok) return validationProblem(query.errors);
    const { recipient, from, to } = query.value;
    const shipments: RecipientShipmentView[] = await findRecipientNotifications(deps, recipient, from, to);
    stopIfClientClosed(request);
    return json(200, shipments);
  });
}

export const dashboardByNin = dashboardEndpoint("nin", "NationalIdentityNumber");
export const dashboardByOrgNumber = dashboardEndpoint("orgnumber", "OrganizationNumber");
