import { scopes } from "../../auth/principal";
import type { BlobOriginPolicy } from "../../domain/attachments";
import { composedEmailRequestSchema } from "../../domain/requests/composedEmail";
import { validate } from "../../domain/requests/validate";
import { draftFromComposedEmail } from "../../usecases/composedEmailDraft";
import { clientSignal } from "../../platform/clientConnection";
import { registerOrderChain } from "../../usecases/registerOrderChain";
import { releaseIfDue } from "../../usecases/releaseIfDue";
import { readJsonBody } from "../body";
import { apiBase, json } from "../endpoint";
import { limitedIntakeEndpoint } from "../limitedIntake";
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
 * `POST future/orders/composed-email`: one email with attachments by SAS URL, under Altinn's own scope.
 * The files are not read now but when the email is sent (`sendingAttachments`). Idempotent per
 * idempotencyId, apart from `future/orders` (Altinn keeps composed orders' ids apart, too). Under the
 * organisation's request rate and monthly quota, as every order-creating route.
 */
export const createComposedEmailOrder = limitedIntakeEndpoint(
  scopes.composedEmail,
  async ({ request, context, principal, deps }) => {
    const body = await readJsonBody(request);
    const schema = schemaFor({ localBlobEndpoint: deps.settings.LOCAL_BLOB_ENDPOINT });
    const result = validate(schema, body, { now: deps.clock.now() });
    if (!result.ok) return validationProblem(result.errors);
    const registration = await registerOrderChain(deps, {
      tenant: principal.tenant,
      kind: "composed",
      signal: clientSignal(request),
      idempotencyId: result.value.idempotencyId,
      body,
      buildOrders: (ids, now) => [
        draftFromComposedEmail(result.value, principal.tenant, ids, now, {
          emailSenderAddress: deps.settings.EMAIL_SENDER_ADDRESS,
          smsSender: deps.settings.SMS_DEFAULT_SENDER,
        }),
      ],
    });
    if (registration.created) {
      try {
        await releaseIfDue(deps, registration.orders);
      } catch (error) {
        context.warn(
          `immediate release failed; the release timer will pick it up: ${(error as Error).message}`,
        );
      }
    }
    return json(registration.created ? 201 : 200, registration.receipt, {
      location: `${apiBase(request)}/future/orders/${registration.receipt.notificationOrderId}`,
    });
  },
);
