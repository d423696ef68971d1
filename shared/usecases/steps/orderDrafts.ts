import type { NewOrder, StoredRecipient } from "../../domain/order";
import type {
  EmailSendingOptions,
  FutureOrderRequest,
  NotificationRecipient,
  NotificationReminder,
  SmsSendingOptions,
} from "../../domain/requests/futureOrder";
import type {
  LegacyEmailOrderRequest,
  LegacyOrderRequest,
  LegacySmsOrderRequest,
} from "../../domain/requests/legacyOrder";
import { delayedSendTimeMs } from "../../domain/requests/timeLimits";
import type { TemplateDocument, TemplateReference } from "../../domain/templates";
import type { ChainIds } from "../../domain/deterministicIds";

export interface OrderDefaults {
  emailSenderAddress: string;
  smsSender: string;
}

/**
 * An email header cannot hold a line break: as Altinn's order mappers do, each `\r\n`, `\r` and `\n` becomes
 * exactly one space and the spaces around it are kept (so `\n\r` gives two).
 */
function oneLine(subject: string): string {
  return subject.replace(/\r\n|\r|\n/g, " ");
}

type RecipientFields = Pick<
  NewOrder,
  | "notificationChannel"
  | "recipients"
  | "emailTemplate"
  | "smsTemplate"
  | "ignoreReservation"
  | "useStaleContactInformation"
  | "resourceId"
  | "resourceAction"
  | "template"
>;

interface SendingOptions {
  emailSettings?: EmailSendingOptions;
  smsSettings?: SmsSendingOptions;
}

export function templates(
  settings: SendingOptions,
  defaults: OrderDefaults,
): Pick<NewOrder, "emailTemplate" | "smsTemplate"> {
  const { emailSettings: email, smsSettings: sms } = settings;
  return {
    emailTemplate: email && {
      fromAddress: email.senderEmailAddress ?? defaults.emailSenderAddress,
      subject: oneLine(email.subject),
      body: email.body,
      contentType: email.contentType,
      sendingTimePolicy: email.sendingTimePolicy,
    },
    smsTemplate: sms && {
      senderNumber: sms.sender || defaults.smsSender,
      body: sms.body,
      sendingTimePolicy: sms.sendingTimePolicy,
    },
  };
}

/**
 * The texts of a named template copied onto the order (every language, so the recipient's is known only at
 * processing), with the default senders and sending-time policies of inline settings.
 */
export function templateTexts(
  template: TemplateDocument,
  reference: TemplateReference,
  defaults: OrderDefaults,
): Pick<NewOrder, "emailTemplate" | "smsTemplate" | "template"> {
  const { email, sms } = template;
  const emailText = (text: { subject: string; body: string }) => ({
    subject: oneLine(text.subject),
    body: text.body,
  });
  return {
    template: { name: template.name, version: template.version, language: reference.language },
    emailTemplate: email && {
      fromAddress: defaults.emailSenderAddress,
      ...emailText(email.nb),
      contentType: email.contentType,
      sendingTimePolicy: "Anytime",
      translations: { nn: email.nn && emailText(email.nn), en: email.en && emailText(email.en) },
    },
    smsTemplate: sms && {
      senderNumber: defaults.smsSender,
      body: sms.nb.body,
      sendingTimePolicy: "Daytime",
      translations: { nn: sms.nn, en: sms.en },
    },
  };
}

/** The order fields a `future/` recipient specification decides (Altinn's chain mapper). */
function recipientFields(
  recipient: NotificationRecipient,
  defaults: OrderDefaults,
  template: TemplateDocument | undefined,
): RecipientFields {
  const lookedUp = (
    stored: StoredRecipient,
    spec: SendingOptions & {
      channelSchema: NewOrder["notificationChannel"];
      resourceId?: string;
      resourceAction?: string;
      template?: TemplateReference;
    },
  ): RecipientFields => ({
    notificationChannel: spec.channelSchema,
    recipients: [stored],
    resourceId: spec.resourceId,
    resourceAction: spec.resourceAction,
    ...(spec.template && template
      ? templateTexts(template, spec.template, defaults)
      : templates(spec, defaults)),
  });
  if (recipient.recipientEmail) {
    const { emailAddress, emailSettings } = recipient.recipientEmail;
    return {
      notificationChannel: "Email",
      recipients: [{ emailAddress }],
      ...templates({ emailSettings }, defaults),
    };
  }
  if (recipient.recipientSms) {
    const { phoneNumber, smsSettings } = recipient.recipientSms;
    return {
      notificationChannel: "Sms",
      recipients: [{ mobileNumber: phoneNumber }],
      ...templates({ smsSettings }, defaults),
    };
  }
  if (recipient.recipientPerson) {
    const person = recipient.recipientPerson;
    return {
      ...lookedUp({ nationalIdentityNumber: person.nationalIdentityNumber }, person),
      ignoreReservation: person.ignoreReservation,
      useStaleContactInformation: person.useStaleContactInformation,
    };
  }
  if (recipient.recipientOrganization) {
    const org = recipient.recipientOrganization;
    return lookedUp({ organizationNumber: org.orgNumber }, org);
  }
  const external = recipient.recipientExternalIdentity;
  // The request schema requires one recipient kind, so a request without the others names this one.
  if (!external) throw new Error("the request names no recipient");
  return lookedUp({ externalIdentity: external.externalIdentity }, external);
}

/** The same arithmetic the request schema bounded, so the stored time is the one that was checked. */
function reminderSendTime(mainSendTime: string, reminder: NotificationReminder): string {
  if (reminder.requestedSendTime) return reminder.requestedSendTime;
  return new Date(delayedSendTimeMs(Date.parse(mainSendTime), reminder.delayDays ?? 1)).toISOString();
}

/**
 * The main order and one order per reminder of a `POST future/orders` request. `orderTemplates` holds the
 * template version each order's recipient names (main order first, then each reminder), read at intake.
 */
export function draftsFromFutureOrder(
  request: FutureOrderRequest,
  tenant: string,
  ids: ChainIds,
  now: Date,
  defaults: OrderDefaults,
  orderTemplates: ReadonlyArray<TemplateDocument | undefined> = [],
): NewOrder[] {
  const created = now.toISOString();
  const common = {
    creator: tenant,
    api: "v2" as const,
    chainId: ids.chainId,
    created,
    status: "Registered" as const,
    statusChangedAt: created,
    releaseCount: 0,
    naming: "emailByOrder" as const,
    dialogportenAssociation: request.dialogportenAssociation,
  };
  const main: NewOrder = {
    ...common,
    id: ids.mainOrderId,
    type: "Notification",
    sendersReference: request.sendersReference,
    requestedSendTime: request.requestedSendTime,
    conditionEndpoint: request.conditionEndpoint,
    conditionFailurePolicy: request.conditionFailurePolicy,
    ...recipientFields(request.recipient, defaults, orderTemplates[0]),
  };
  const reminders = request.reminders.map((reminder, index): NewOrder => ({
    ...common,
    id: ids.reminderOrderId(index),
    type: "Reminder",
    sendersReference: reminder.sendersReference,
    requestedSendTime: reminderSendTime(request.requestedSendTime, reminder),
    conditionEndpoint: reminder.conditionEndpoint,
    conditionFailurePolicy: reminder.conditionFailurePolicy,
    ...recipientFields(reminder.recipient, defaults, orderTemplates[index + 1]),
  }));
  return [main, ...reminders];
}

export type LegacyRequest =
  | { kind: "generic"; request: LegacyOrderRequest }
  | { kind: "email"; request: LegacyEmailOrderRequest }
  | { kind: "sms"; request: LegacySmsOrderRequest };

function legacyTemplates(input: LegacyRequest, defaults: OrderDefaults): RecipientFields {
  // v1 never sets a sending-time policy: its SMS are Daytime (Altinn treats NULL as daytime), its email Anytime.
  const email = (t: {
    fromAddress?: string;
    subject: string;
    body: string;
    contentType: "Plain" | "Html";
  }) => ({
    fromAddress: t.fromAddress ?? defaults.emailSenderAddress,
    subject: oneLine(t.subject),
    body: t.body,
    contentType: t.contentType,
    sendingTimePolicy: "Anytime" as const,
  });
  const sms = (t: { senderNumber?: string; body: string }) => ({
    senderNumber: t.senderNumber || defaults.smsSender,
    body: t.body,
    sendingTimePolicy: "Daytime" as const,
  });
  const recipients = input.request.recipients;
  switch (input.kind) {
    case "email":
      return { notificationChannel: "Email", recipients, emailTemplate: email(input.request) };
    case "sms":
      return { notificationChannel: "Sms", recipients, smsTemplate: sms(input.request) };
    case "generic": {
      const { emailTemplate, smsTemplate, notificationChannel } = input.request;
      return {
        notificationChannel,
        recipients,
        emailTemplate: emailTemplate && email(emailTemplate),
        smsTemplate: smsTemplate && sms(smsTemplate),
      };
    }
  }
}

/** The order of a legacy `POST orders`, `orders/email` or `orders/sms` request. */
export function draftFromLegacyOrder(
  input: LegacyRequest,
  tenant: string,
  orderId: string,
  now: Date,
  defaults: OrderDefaults,
): NewOrder {
  const created = now.toISOString();
  const { request } = input;
  return {
    id: orderId,
    creator: tenant,
    api: "v1",
    type: "Notification",
    sendersReference: request.sendersReference,
    requestedSendTime: request.requestedSendTime,
    created,
    conditionEndpoint: request.conditionEndpoint,
    conditionFailurePolicy: request.conditionFailurePolicy,
    ignoreReservation: request.ignoreReservation,
    resourceId: request.resourceId,
    resourceAction: request.resourceAction,
    status: "Registered",
    statusChangedAt: created,
    releaseCount: 0,
    naming: "emailByOrder",
    ...legacyTemplates(input, defaults),
  };
}
