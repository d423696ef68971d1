import type { NotificationChannel } from "../../domain/order";
import type { FutureOrderRequest, NotificationRecipient } from "../../domain/requests/futureOrder";
import type { TemplateDocument, TemplateReference } from "../../domain/templates";
import { AppError } from "../../errors";
import type { TemplateStore } from "../../ports/templateStore";
import { templatesOf } from "./tenantScope";

const lookedUpKinds = ["recipientPerson", "recipientOrganization", "recipientExternalIdentity"] as const;

interface NamedTemplate {
  /** Where the reference sits in the request, e.g. `reminders[0].recipient.recipientPerson.template`. */
  path: string;
  reference: TemplateReference;
  channelSchema: NotificationChannel;
}

function namedTemplate(recipient: NotificationRecipient, prefix: string): NamedTemplate | undefined {
  for (const kind of lookedUpKinds) {
    const spec = recipient[kind];
    if (spec?.template) {
      return {
        path: `${prefix}recipient.${kind}.template`,
        reference: spec.template,
        channelSchema: spec.channelSchema,
      };
    }
  }
  return undefined;
}

/** The texts a channel schema may send: a Preferred schema may fall back to the other channel. */
function channelsNeeded(channelSchema: NotificationChannel): Array<"email" | "sms"> {
  if (channelSchema === "Email") return ["email"];
  if (channelSchema === "Sms") return ["sms"];
  return ["email", "sms"];
}

/** The version named, or the latest; a retired template or one without a channel's text is refused. */
function chosenVersion(
  versions: TemplateDocument[],
  named: NamedTemplate,
): { version: TemplateDocument } | { problem: [string, string] } {
  const { name, version } = named.reference;
  const found = version === undefined ? versions.at(-1) : versions.find((v) => v.version === version);
  if (versions.length === 0)
    return { problem: [`${named.path}.name`, `The template ${name} does not exist.`] };
  if (!found) {
    return { problem: [`${named.path}.version`, `The template ${name} has no version ${String(version)}.`] };
  }
  if (found.retired) return { problem: [`${named.path}.name`, `The template ${name} is retired.`] };
  const missing = channelsNeeded(named.channelSchema).find((channel) => found[channel] === undefined);
  if (missing) {
    const text = missing === "email" ? "an email" : "an SMS";
    return {
      problem: [
        `${named.path}.name`,
        `The template ${name} has no ${text} text, which channelSchema ${named.channelSchema} needs.`,
      ],
    };
  }
  return { version: found };
}

/**
 * The template version each order of a `future/orders` request names (main order first, then each
 * reminder; undefined where the texts are inline), read from the caller's own templates only. An unknown,
 * retired or unsuitable template is a validation error at the field that names it.
 */
export async function readOrderTemplates(
  deps: { templates: TemplateStore },
  creator: string,
  request: FutureOrderRequest,
): Promise<Array<TemplateDocument | undefined>> {
  const named = [
    namedTemplate(request.recipient, ""),
    ...request.reminders.map((reminder, index) => namedTemplate(reminder.recipient, `reminders[${index}].`)),
  ];
  if (named.every((n) => n === undefined)) return named.map(() => undefined);
  const errors: Record<string, string[]> = {};
  const templates = templatesOf(deps.templates, creator);
  const versionsByName = new Map<string, Promise<TemplateDocument[]>>();
  const chosen = await Promise.all(
    named.map(async (n) => {
      if (!n) return undefined;
      let versions = versionsByName.get(n.reference.name);
      if (!versions) {
        versions = templates.versions(n.reference.name);
        versionsByName.set(n.reference.name, versions);
      }
      const choice = chosenVersion(await versions, n);
      if ("version" in choice) return choice.version;
      const [path, message] = choice.problem;
      (errors[path] ??= []).push(message);
      return undefined;
    }),
  );
  if (Object.keys(errors).length > 0) {
    throw new AppError("validation", "The order names a template it cannot use.", { errors });
  }
  return chosen;
}
