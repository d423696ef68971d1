import type { NewOrder } from "../../domain/order";
import type { ComposedEmailRequest } from "../../domain/requests/composedEmail";
import { draftsFromFutureOrder, type OrderDefaults } from "./orderDrafts";
import type { ChainIds } from "../../domain/deterministicIds";

/**
 * The order of a `POST future/orders/composed-email` request: a `future/orders` email to one address (the
 * same mapping, so subject, sender and time rules cannot drift apart), of type Composed, carrying the
 * attachment references its notification reads when it is sent.
 */
export function draftFromComposedEmail(
  request: ComposedEmailRequest,
  tenant: string,
  ids: ChainIds,
  now: Date,
  defaults: OrderDefaults,
): NewOrder {
  const { recipient, ...order } = request;
  const { attachments, ...emailSettings } = recipient.emailSettings;
  const [main] = draftsFromFutureOrder(
    {
      ...order,
      recipient: { recipientEmail: { emailAddress: recipient.emailAddress, emailSettings } },
      reminders: [],
    },
    tenant,
    ids,
    now,
    defaults,
  );
  if (!main?.emailTemplate) throw new Error("a composed email maps to one email order");
  const files = attachments ?? [];
  return {
    ...main,
    type: "Composed",
    emailTemplate: { ...main.emailTemplate, ...(files.length > 0 ? { attachments: files } : {}) },
  };
}
