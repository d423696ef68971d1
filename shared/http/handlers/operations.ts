import { scopes } from "../../auth/principal";
import { validate } from "../../domain/requests/validate";
import { erasePersonalData } from "../../usecases/erasePersonalData";
import { readJsonBody } from "../body";
import { validationProblem } from "../problem";
import { erasureRequestSchema } from "../views/erasureSchemas";
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

/**
 * `POST operations/erasure` with `{"nationalIdentityNumber": …}` in the body (never in the URL, which is
 * logged): deletes or anonymises everything stored about the person and answers what was removed.
 */
export const erasePerson = authenticatedEndpoint(scopes.operator, async ({ request, context, deps }) => {
  const result = validate(erasureRequestSchema, await readJsonBody(request), { now: deps.clock.now() });
  if (!result.ok) return validationProblem(result.errors);
  const report = await erasePersonalData(deps, result.value.nationalIdentityNumber);
  context.log(
    `erasure: ${report.orderIds.length} order(s), ${report.recipientRows} recipient row(s), ${report.notifications} notification(s), ${report.statusFeedEntries} feed entr(ies), ${report.webhookDeliveries} webhook deliver(ies), register ${report.registry.persons}/${report.registry.userContactPoints}/${report.registry.roleAssignments}`,
  );
  return json(200, report);
});
