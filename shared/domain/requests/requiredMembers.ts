import type { ValidationErrors } from "./validate";

/**
 * The C# `required` members of an Altinn request model at the top of the body. System.Text.Json refuses a
 * JSON object without one of them before any validator runs, and ASP.NET answers with exactly two errors:
 * the deserializer's message under `$` and "field is required" under the action's parameter name.
 */
export interface RequiredMembers {
  /** The request model's full .NET type name, as the deserializer's message names it. */
  typeName: string;
  /** The controller action's parameter name. */
  parameterName: string;
  /** JSON names, in the model's declaration order. */
  properties: readonly string[];
}

// System.Text.Json stops listing missing properties once the list reaches this length (its soft cut-off).
const listCutOff = 50;

/** ASP.NET's 400 errors for a body object that lacks a required member, or undefined when none is missing. */
export function missingRequiredMembers(body: unknown, model: RequiredMembers): ValidationErrors | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  // ASP.NET binds JSON property names case-insensitively; a present `null` counts as given.
  const given = new Set(Object.keys(body).map((key) => key.toLowerCase()));
  const missing = model.properties.filter((name) => !given.has(name.toLowerCase()));
  if (missing.length === 0) return undefined;
  let list = "";
  for (const name of missing) {
    list += `${list === "" ? "" : ", "}'${name}'`;
    if (list.length >= listCutOff) break;
  }
  return {
    $: [
      `JSON deserialization for type '${model.typeName}' was missing required properties including: ${list}.`,
    ],
    [model.parameterName]: [`The ${model.parameterName} field is required.`],
  };
}

/** The models of the routes that take them, from Altinn.Notifications.Models. */
export const requiredMembersOf = {
  orderChain: {
    typeName: "Altinn.Notifications.Models.NotificationOrderChainRequestExt",
    parameterName: "notificationOrderRequest",
    properties: ["idempotencyId", "recipient"],
  },
  instant: {
    typeName: "Altinn.Notifications.Models.Orders.InstantNotificationOrderRequestExt",
    parameterName: "request",
    properties: ["idempotencyId", "recipient"],
  },
  instantSms: {
    typeName: "Altinn.Notifications.Models.Orders.InstantSmsNotificationOrderRequestExt",
    parameterName: "request",
    properties: ["idempotencyId", "recipientSms"],
  },
  instantEmail: {
    typeName: "Altinn.Notifications.Models.Orders.InstantEmailNotificationOrderRequestExt",
    parameterName: "request",
    properties: ["idempotencyId", "recipientEmail"],
  },
} satisfies Record<string, RequiredMembers>;
