import type { NotificationDocument } from "../../domain/notification";
import { acceptedStatusOf } from "../../domain/statuses";
import { isAppError } from "../../errors";
import type { Clock } from "../../ports/clock";
import type {
  DeliveryReference,
  DeliveryReferenceStore,
  NotificationStore,
} from "../../ports/notificationStore";

interface AcceptanceDeps {
  notifications: NotificationStore;
  references: DeliveryReferenceStore;
  clock: Clock;
}

/**
 * Pauses between attempts to record an acceptance after a transient store error. Between the provider
 * accepting a message and this record lies the only window in which a message can be sent twice (an SMS
 * gateway has no idempotency key), so a passing store error is waited out here instead of handing the
 * message back to the broker, whose redelivery would find it Sending and leave it to the sweeper.
 */
const retryDelaysMs = [50, 250, 1_000, 3_000];

export async function withRetries(work: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await work();
      return;
    } catch (error) {
      const delay = retryDelaysMs[attempt];
      if (delay === undefined || !isAppError(error, "transient")) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Applies a status unless a delivery report got there first (then the report's status stands). */
export async function settle(
  deps: AcceptanceDeps,
  sending: NotificationDocument,
  changes: Partial<NotificationDocument>,
): Promise<void> {
  try {
    await deps.notifications.update(sending, { ...changes, statusChangedAt: deps.clock.now().toISOString() });
  } catch (error) {
    if (!isAppError(error, "conflict")) throw error;
  }
}

/** Where an ACS delivery report carrying this operation id finds the email. */
function emailReference(n: NotificationDocument, operationId: string): DeliveryReference {
  return { provider: "acs", reference: operationId, orderId: n.orderId, notificationId: n.id };
}

/**
 * An email named by its order's id (see `notificationFor`): its ACS operation id is its order's id, which is
 * also the partition that holds it, so its delivery report finds it without a stored reference.
 */
function isNamedByItsOrder(n: Pick<NotificationDocument, "channel" | "id" | "orderId">): boolean {
  return n.channel === "email" && n.id === n.orderId;
}

/** Where a delivery report finds an email sent under its own id (ACS's operation id), before it is sent. */
export function emailReferencesOf(sending: NotificationDocument[]): DeliveryReference[] {
  return sending
    .filter((n) => n.channel === "email" && !isNamedByItsOrder(n))
    .map((n) => emailReference(n, n.id));
}

/**
 * The reference document a provider's acceptance needs, stored as soon as it answers: only an email whose
 * operation id ACS chose itself (ours is stored before the call, `emailReferencesOf`; an SMS's gateway
 * reference is found in the notification its result write records it in, `findSmsByReferences`).
 */
export function answeredReferenceOf(
  n: NotificationDocument,
  reference: string,
): DeliveryReference | undefined {
  return n.channel === "email" && reference !== n.id ? emailReference(n, reference) : undefined;
}

/**
 * Before an email goes to ACS: ACS takes the notification id as its operation id, so the delivery report can
 * find the notification even when it comes before ACS's answer, or when the sender dies before recording it.
 */
export async function rememberEmailOperation(
  deps: Pick<AcceptanceDeps, "references">,
  sending: NotificationDocument,
): Promise<void> {
  const [reference] = emailReferencesOf([sending]);
  if (reference) await deps.references.put(reference);
}

/**
 * Records that the provider took the message: the reference document it needs, if any
 * (`answeredReferenceOf`), and the status Succeeded (email) or Accepted (SMS) with the provider's reference.
 */
export async function recordAcceptance(
  deps: AcceptanceDeps,
  sending: NotificationDocument,
  reference: string,
): Promise<void> {
  const answered = answeredReferenceOf(sending, reference);
  if (answered) await withRetries(() => deps.references.put(answered));
  await withRetries(() => settle(deps, sending, { status: acceptedStatusOf(sending.channel), reference }));
}
