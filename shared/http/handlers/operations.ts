import { scopes } from "../../auth/principal";
import { replayDeadReports } from "../../usecases/replayDeadReports";
import { authenticatedEndpoint, json } from "../endpoint";

const pageSize = 100;

/** `GET operations/dead-delivery-reports`: unresolved reports that could not be applied (operators only). */
export const listDeadDeliveryReports = authenticatedEndpoint(scopes.operator, async ({ deps }) => {
  const reports = await deps.deadReports.list(pageSize);
  return json(200, { count: reports.length, reports: reports.map(({ _etag, ...report }) => report) });
});

/** `POST operations/dead-delivery-reports/replay`: puts up to 100 of them back on the delivery-report queue. */
export const replayDeadDeliveryReports = authenticatedEndpoint(scopes.operator, async ({ deps }) => {
  const replayed = await replayDeadReports(deps, pageSize);
  return json(200, { replayed: replayed.length, ids: replayed.map((r) => r.id) });
});
