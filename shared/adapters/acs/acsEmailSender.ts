import {
  EmailClient,
  type EmailClientOptions,
  type EmailMessage as AcsEmailMessage,
} from "@azure/communication-email";
import type { TokenCredential } from "@azure/identity";
import { AppError } from "../../errors";
import { isRecord } from "../../narrowing";
import type { FetchedAttachment } from "../../ports/attachmentSource";
import type { EmailMessage, EmailSender, EmailSendOutcome, FileEmailSender } from "../../ports/emailSender";
import { classifySendError } from "./acsSendErrors";

interface AcsEmailSenderOptions {
  /** `https://<resource>.communication.azure.net`, or the local fake's `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** On Azure: the managed identity (`DefaultAzureCredential`), which needs a role on the ACS resource. */
  credential?: TokenCredential;
  /** Local mode and tests only: the access key of the fake ACS. */
  accessKey?: string;
  /** Only for the local fake, which speaks plain HTTP. */
  allowInsecureConnection?: boolean;
  /** Bound on one send (its POST); default 30 s. */
  timeoutMs?: number;
  /** Custom message headers; ACS accepts `X-` headers. Defaults to {@link automatedMessageHeaders}. */
  headers?: Record<string, string>;
}

/** Asks Exchange/Outlook not to send out-of-office and other automatic replies to a notification. */
const automatedMessageHeaders: Readonly<Record<string, string>> = {
  "X-Auto-Response-Suppress": "All",
};

const defaultTimeoutMs = 30_000;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ends `beginSend` once its POST is answered; see {@link skipStatusPoll}. One instance, recognised by identity,
 * so that no send pays for capturing a stack.
 */
const statusPollSkipped = new Error("status poll skipped after the send was accepted");

/**
 * The SDK's `beginSend` asks for the operation's status once after its POST, a call ACS allows 60 times a
 * minute per subscription however high the sending quota is raised; the outcome comes with the delivery
 * report (as Altinn's `SendAsync(WaitUntil.Started)`). The call is refused before it leaves the client:
 * aborting it instead made each send's CPU about 40 % higher (bench/acsSend), for the DOMException and
 * AbortError it raised.
 */
const skipStatusPoll: NonNullable<EmailClientOptions["additionalPolicies"]>[number] = {
  position: "perCall",
  policy: {
    name: "varselSkipStatusPoll",
    sendRequest: (request, next) =>
      request.method === "GET" ? Promise.reject(statusPollSkipped) : next(request),
  },
};

function accepted(operationId: string): EmailSendOutcome {
  return { outcome: "accepted", operationId };
}

function idOf(body: unknown): string | undefined {
  const id = isRecord(body) ? body["id"] : undefined;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/**
 * Email through Azure Communication Services. A send only starts the ACS operation; the outcome arrives
 * later as an `EmailDeliveryReportReceived` event. The notification id is sent as the client-chosen
 * operation id (ACS requires a UUID), so ACS's message id equals our notification id and a redelivered
 * send names the same operation instead of creating a second one.
 */
export class AcsEmailSender implements EmailSender, FileEmailSender {
  private readonly client: EmailClient;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;

  constructor(options: AcsEmailSenderOptions) {
    const clientOptions = {
      allowInsecureConnection: options.allowInsecureConnection ?? false,
      // Our queue reschedules after Retry-After; SDK retries would hold the function instance meanwhile.
      retryOptions: { maxRetries: 0 },
      userAgentOptions: { userAgentPrefix: "varsel" },
      additionalPolicies: [skipStatusPoll],
    };
    if (options.credential) {
      this.client = new EmailClient(options.endpoint, options.credential, clientOptions);
    } else if (options.accessKey) {
      this.client = new EmailClient(options.endpoint, { key: options.accessKey }, clientOptions);
    } else {
      throw new Error("AcsEmailSender needs a credential (Azure) or an access key (local fake)");
    }
    this.timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    this.headers = { ...(options.headers ?? automatedMessageHeaders) };
  }

  private toAcsMessage(message: EmailMessage, files: FetchedAttachment[]): AcsEmailMessage {
    return {
      senderAddress: message.from,
      content:
        message.contentType === "Html"
          ? { subject: message.subject, html: message.body }
          : { subject: message.subject, plainText: message.body },
      recipients: { to: [{ address: message.to }] },
      headers: this.headers,
      // Public-sector notifications: no open/click tracking pixels or rewritten links.
      disableUserEngagementTracking: true,
      ...(files.length > 0
        ? {
            attachments: files.map((file) => ({
              name: file.filename,
              contentType: file.mimeType,
              contentInBase64: file.content.toString("base64"),
            })),
          }
        : {}),
    };
  }

  /** An email without attachments; one with attachments goes through `sendingAttachments`, which reads them. */
  async send(message: EmailMessage): Promise<EmailSendOutcome> {
    if ((message.attachments ?? []).length > 0) {
      throw new AppError("permanent", "attachments must be read before the email is sent");
    }
    return this.sendWithFiles(message, []);
  }

  async sendWithFiles(message: EmailMessage, files: FetchedAttachment[]): Promise<EmailSendOutcome> {
    if (message.to.trim() === "") return { outcome: "failed", result: "Failed_InvalidEmailFormat" };
    const clientOperationId = uuidPattern.test(message.notificationId) ? message.notificationId : undefined;
    let acceptedId: string | undefined;
    try {
      await this.client.beginSend(this.toAcsMessage(message, files), {
        operationId: clientOperationId,
        abortSignal: AbortSignal.timeout(this.timeoutMs),
        onResponse: (response, body) => {
          const isAcceptedPost =
            response.request.method === "POST" && response.status >= 200 && response.status < 300;
          if (isAcceptedPost) acceptedId = idOf(body) ?? clientOperationId;
        },
      });
    } catch (error) {
      if (acceptedId === undefined && error !== statusPollSkipped) {
        const classified = classifySendError(error, clientOperationId !== undefined);
        if (classified.kind === "failed") return { outcome: "failed", result: classified.result };
        if (classified.kind === "already-accepted" && clientOperationId) return accepted(clientOperationId);
        throw error;
      }
    }
    if (acceptedId === undefined)
      throw new AppError("permanent", "ACS accepted the send without an operation id");
    return accepted(acceptedId);
  }
}
