import { randomUUID } from "node:crypto";
import { emailDeliveryReportEventType } from "../acs/emailDeliveryReport";
import { deliveryReportXml } from "../link/pswinReport";
import { simulatedEmailOutcome, simulatedReportDelayMs, simulatedSmsOutcome } from "../../domain/testMode";
import { transient } from "../../errors";
import type { Clock } from "../../ports/clock";
import type { EmailMessage, EmailSendOutcome, EmailSender } from "../../ports/emailSender";
import type { OutgoingMessage, Publisher } from "../../ports/publisher";
import type { SmsMessage, SmsSendOutcome, SmsSender } from "../../ports/smsSender";

/**
 * ACS and LINK as a test-mode organisation sees them: a send is accepted (or refused, for the magic addresses
 * that say so) and its delivery report arrives on the delivery-report queue a moment later, in the provider's
 * own format, so the report path, statuses, feed and webhooks run as for a real send. Nothing leaves the
 * service. Reports are published with deterministic message ids, so a repeated send reports once.
 */
export class ProviderSimulator implements EmailSender, SmsSender {
  constructor(
    private readonly publisher: Publisher,
    private readonly clock: Clock,
  ) {}

  async send(message: EmailMessage): Promise<EmailSendOutcome>;
  async send(message: SmsMessage): Promise<SmsSendOutcome>;
  async send(message: EmailMessage | SmsMessage): Promise<EmailSendOutcome | SmsSendOutcome> {
    if ("subject" in message) return this.sendEmail(message);
    const [outcome] = await this.sendMany([message]);
    if (!outcome) throw transient("the simulated gateway gave no outcome");
    return outcome;
  }

  async sendMany(messages: SmsMessage[]): Promise<SmsSendOutcome[]> {
    const outcomes: SmsSendOutcome[] = [];
    const reports: OutgoingMessage[] = [];
    for (const [index, message] of messages.entries()) {
      const simulated = simulatedSmsOutcome(message.to);
      if (simulated.kind === "refused") {
        outcomes.push({ outcome: "failed", result: simulated.result });
        continue;
      }
      const reference = `simulated-${message.notificationId}`;
      outcomes.push({ outcome: "accepted", gatewayReference: reference });
      const xml = deliveryReportXml([
        { id: String(index + 1), reference, receiver: message.to.replace(/^\+/, ""), state: simulated.state },
      ]);
      reports.push(this.report(`link:${reference}`, "link", xml, "application/xml"));
    }
    await this.publish(reports);
    return outcomes;
  }

  private async sendEmail(message: EmailMessage): Promise<EmailSendOutcome> {
    const simulated = simulatedEmailOutcome(message.to);
    if (simulated.kind === "refused") return { outcome: "failed", result: simulated.result };
    const operationId = message.notificationId;
    const at = this.clock.now().toISOString();
    const event = {
      id: randomUUID(),
      topic: "varsel/test-mode",
      subject: `sender/${message.from}/message/${operationId}`,
      eventType: emailDeliveryReportEventType,
      eventTime: at,
      dataVersion: "1.0",
      metadataVersion: "1",
      data: {
        sender: message.from,
        recipient: message.to,
        messageId: operationId,
        status: simulated.acsStatus,
        deliveryStatusDetails: { statusMessage: `Test mode: ${simulated.acsStatus}` },
        deliveryAttemptTimestamp: at,
      },
    };
    await this.publish([this.report(`acs:${operationId}`, "acs", event)]);
    return { outcome: "accepted", operationId };
  }

  private report(
    key: string,
    provider: "acs" | "link",
    payload: unknown,
    contentType?: string,
  ): OutgoingMessage {
    const now = this.clock.now();
    return {
      messageId: `simulated-report:${key}`,
      body: {
        varselReport: {
          provider,
          firstSeen: now.toISOString(),
          attempt: 0,
          ...(contentType ? { contentType } : {}),
          payload,
        },
      },
      scheduledEnqueueTime: new Date(now.getTime() + simulatedReportDelayMs),
    };
  }

  private async publish(reports: OutgoingMessage[]): Promise<void> {
    if (reports.length === 0) return;
    try {
      await this.publisher.publish("deliveryReports", reports);
    } catch (error) {
      // Not accepted without its report: the send is retried, as a provider outage would be.
      throw transient("the test-mode simulator could not queue its delivery reports", undefined, error);
    }
  }
}
