import { timingSafeEqual } from "node:crypto";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { Dependencies } from "../../app/dependencies";
import { scopes } from "../../auth/principal";
import type { NotificationDocument } from "../../domain/notification";
import { isAppError } from "../../errors";
import { dailyUsageFile, monthlyUsage } from "../../usecases/usageReports";
import { authenticatedEndpoint, json, openEndpointWithDependencies } from "../endpoint";
import { problem, validationProblem } from "../problem";
import { queryValue } from "../query";

function sameSecret(given: string, configured: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(configured);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Altinn's MetricsApiKeyFilter (an `X-API-Key` equal to METRICS_API_KEY, its 401 messages); without that header
 * an operator's bearer token (scope altinn:notifications.support.admin) is accepted instead.
 */
async function refusal(request: HttpRequest, deps: Dependencies): Promise<HttpResponseInit | undefined> {
  const key = request.headers.get("x-api-key");
  // A problem document that also carries Altinn's `{ error }` member, so clients of either shape read it.
  const unauthorized = (error: string) =>
    problem({ status: 401, title: "Unauthorized", detail: error, extensions: { error } });
  if (key === null) {
    try {
      const principal = await deps.verifier.verify(request.headers.get("authorization"));
      if (principal.scopes.has(scopes.operator)) return undefined;
    } catch (error) {
      if (!isAppError(error)) throw error;
    }
    return unauthorized("API key required for Metrics endpoints");
  }
  if (key.trim() === "") return unauthorized("API key cannot be empty");
  const configured = deps.settings.METRICS_API_KEY;
  if (!configured) return unauthorized("API key validation not configured");
  return sameSecret(key, configured) ? undefined : unauthorized("Invalid API key");
}

/** `POST metrics/sms` and `POST metrics/email`: yesterday's notifications as Altinn's daily Parquet file. */
function dailyFileEndpoint(channel: NotificationDocument["channel"]) {
  return openEndpointWithDependencies(async (request, deps) => {
    const refused = await refusal(request, deps);
    if (refused) return refused;
    const environment = deps.settings.VARSEL_MODE;
    const file = await dailyUsageFile(deps, channel, environment);
    return {
      status: 200,
      body: file.content,
      headers: {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename=${file.fileName}`,
        "x-file-hash": file.md5,
        "x-file-size": String(file.content.byteLength),
        "x-total-filetransfer-count": String(file.rows),
        "x-generated-at": file.generatedAt,
        "x-environment": environment,
      },
    };
  });
}

export const dailySmsMetrics = dailyFileEndpoint("sms");
export const dailyEmailMetrics = dailyFileEndpoint("email");

/** `GET metrics/monthly?year=&month=`: notifications per organisation and channel in a month (operators). */
export const monthlyMetrics = authenticatedEndpoint(scopes.operator, async ({ request, deps }) => {
  const now = deps.clock.now();
  const year = Number(queryValue(request.query, "year") ?? now.getUTCFullYear());
  const month = Number(queryValue(request.query, "month") ?? now.getUTCMonth() + 1);
  const errors: Record<string, string[]> = {};
  if (!Number.isInteger(year) || year < 2000 || year > 9999)
    errors["year"] = ["The value is not a valid year."];
  if (!Number.isInteger(month) || month < 1 || month > 12)
    errors["month"] = ["The value is not a valid month."];
  if (Object.keys(errors).length > 0) return validationProblem(errors);
  return json(200, { year, month, metrics: await monthlyUsage(deps, year, month) });
});
