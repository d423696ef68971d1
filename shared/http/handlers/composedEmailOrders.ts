import { scopes } from "../../auth/principal";
import type { BlobOriginPolicy } from "../../domain/attachments";
import { composedEmailRequestSchema } from "../../domain/requests/composedEmail";
import { validate } from "../../domain/requests/validate";
import { clientSignal } from "../../platform/clientConnection";
import { registerComposedEmailOrder } from "../../usecases/registerComposedEmailOrder";
import { readJsonBody } from "../body";
import { apiBase, json } from "../endpoint";
import { changedPayloadPolicy, replayHeaders } from "../idempotency";
import { limitedIntakeEndpoint } from "../limitedIntake";
import { orderDefaultsOf } from "../orderDefaults";
import { validationProblem } from "../problem";

const schemas = new Map<string, ReturnType<typeof composedEmailRequestSchema>>();

/** One schema per blob policy (in practice one per process), built on first use. */
function schemaFor(policy: BlobOriginPolicy) {
  const key = policy.localBlobEndpoint ?? "";
  let schema = schemas.get(key);
  if (!schema) {
    schema = composedEmailRequestSchema(policy);
    schemas.set(key, schema);
  }
  return schema;
}

/**
 * `POST future/orders/composed-email`: one email with attachments by SAS URL, under Altinn's own scope
 * (`registerComposedEmailOrder`). Under the organisation's request rate and monthly quota, as every
 * order-creating route.
 */
export const createComposedEmailOrder = limitedIntakeEndpoint(
  scopes.composedEmail,
  async ({ request, context, principal, deps }) => {
    const body = await readJsonBody(request);
    const schema = schemaFor({ localBlobEndpoint: deps.settings.LOCAL_BLOB_ENDPOINT });
    const result = validate(schema, body, { now: deps.clock.now() });
    if (!result.ok) return validationProblem(result.errors);
    const { receipt, created, payloadChanged } = await registerComposedEmailOrder(deps, {
      tenant: principal.tenant,
      body,
      request: result.value,
      defaults: orderDefaultsOf(deps.settings),
      onChangedPayload: changedPayloadPolicy(request, deps.settings),
      signal: clientSignal(request),
      warn: (message) => context.warn(message),
    });
    return json(created ? 201 : 200, receipt, {
      location: `${apiBase(request)}/future/orders/${receipt.notificationOrderId}`,
      ...replayHeaders(payloadChanged),
    });
  },
);
