import type { ChainReceipt } from "../domain/order";
import type { ComposedEmailRequest } from "../domain/requests/composedEmail";
import type { ReleaseDeps } from "./steps/claimAndPublish";
import { draftFromComposedEmail } from "./steps/composedEmailDraft";
import { registerOrders, type ChangedPayloadPolicy } from "./steps/idempotentRegistration";
import type { OrderDefaults } from "./steps/orderDrafts";
import { claimIfDue, releaseSoon } from "./steps/releaseIfDue";

interface ComposedEmailIntake {
  tenant: string;
  /** The body as sent: its hash tells a retry from a reuse of the idempotencyId. */
  body: unknown;
  request: ComposedEmailRequest;
  defaults: OrderDefaults;
  /** What a reused idempotencyId with another body gets: the first receipt (replay) or a 409. */
  onChangedPayload: ChangedPayloadPolicy;
  /** The client's signal: a request whose client went away stops before anything is stored. */
  signal?: AbortSignal;
  /** Told when the immediate release failed (the sweeper releases the order instead). */
  warn: (message: string) => void;
}

/**
 * `POST future/orders/composed-email`: one email with attachments by SAS URL. The files are not read now but
 * when the email is sent (`sendingAttachments`). Idempotent per idempotencyId, apart from `future/orders`
 * (Altinn keeps composed orders' ids apart, too); a reused idempotencyId gets the first receipt, or a 409 under
 * the strict policy, as on `future/orders`. An order due already is released at once.
 */
export async function registerComposedEmailOrder(
  deps: ReleaseDeps,
  intake: ComposedEmailIntake,
): Promise<{ receipt: ChainReceipt; created: boolean; payloadChanged: boolean }> {
  const { tenant, request } = intake;
  const registration = await registerOrders(deps, {
    tenant,
    key: {
      kind: "composed",
      idempotencyId: request.idempotencyId,
      body: intake.body,
      onChangedPayload: intake.onChangedPayload,
    },
    signal: intake.signal,
    buildOrders: (ids, now) => [draftFromComposedEmail(request, tenant, ids, now, intake.defaults)],
    storedAs: (orders) => claimIfDue(deps, orders),
  });
  if (registration.created) await releaseSoon(deps, registration.orders, intake.warn);
  const { receipt, created, payloadChanged } = registration;
  return { receipt, created, payloadChanged };
}
