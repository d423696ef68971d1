import { AppError, throttled, transient } from "../../errors";
import type { SmsMessage, SmsSender, SmsSendOutcome } from "../../ports/smsSender";
import { defaultRetryAfterMs, retryAfterMs } from "../acs/retryAfter";
import { gatewayReceiver, gatewaySender } from "./addresses";
import { isGsm7 } from "../../domain/smsSegments";
import { ucs2Hex } from "./gsm7";
import {
  parseSubmitResponse,
  pswinContentType,
  submitRequestXml,
  type PswinOutgoingMessage,
  type PswinSubmitResponse,
} from "./pswinSubmit";
import { XmlParseError } from "./xml";

interface LinkSmsSenderOptions {
  /** The PSWin XML endpoint, e.g. https://xml.pswin.com (Altinn: a Digdir-dedicated gateway). */
  url: string;
  username: string;
  password: string;
  /** Used when a notification's sender has nothing the gateway accepts (settings `SMS_DEFAULT_SENDER`). */
  defaultSender: string;
  /** Whole request including the response body; default 30 s, as Altinn's HttpClient. */
  timeoutMs?: number;
}

const defaultTimeoutMs = 30_000;
/** Altinn `SmsClient`: a gateway status text starting with this means the receiver number was refused. */
const invalidReceiverPrefix = "Invalid RCV";

function toGatewayMessage(
  message: SmsMessage,
  receiver: string,
  defaultSender: string,
): PswinOutgoingMessage {
  const unicode = !isGsm7(message.body);
  return {
    id: 1,
    text: unicode ? ucs2Hex(message.body) : message.body,
    sender: gatewaySender(message.sender, defaultSender),
    receiver,
    // TTL 0 would mean "gateway default", so never round a short validity down to it.
    ttlMinutes: Math.max(1, Math.ceil(message.timeToLiveSeconds / 60)),
    ...(unicode ? { messageType: 9 as const } : {}),
  };
}

/** Every message has its outcome by now; a hole would misplace the others, so it is refused. */
function complete(outcomes: Array<SmsSendOutcome | undefined>): SmsSendOutcome[] {
  return outcomes.map((outcome) => {
    if (!outcome) throw new AppError("permanent", "LINK submission left a message without an outcome");
    return outcome;
  });
}

/**
 * SMS through LINK Mobility's PSWin XML gateway, the protocol Altinn uses (`LinkMobility.PSWin.Client`).
 * One submission carries one message or many (a batch). Status texts and errors are never copied into messages we raise: the gateway
 * quotes receiver numbers in them.
 */
export class LinkSmsSender implements SmsSender {
  private readonly timeoutMs: number;

  constructor(private readonly options: LinkSmsSenderOptions) {
    this.timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  }

  async send(message: SmsMessage): Promise<SmsSendOutcome> {
    const [outcome] = await this.sendMany([message]);
    if (!outcome) throw transient("LINK gateway answered without a message status", defaultRetryAfterMs);
    return outcome;
  }

  async sendMany(messages: SmsMessage[]): Promise<SmsSendOutcome[]> {
    const outcomes: Array<SmsSendOutcome | undefined> = messages.map((m) =>
      gatewayReceiver(m.to) ? undefined : { outcome: "failed", result: "Failed_InvalidRecipient" },
    );
    // PSWin ids number the messages of one submission; the response names each by its id.
    const submitted = messages.flatMap((message, index) => {
      const receiver = gatewayReceiver(message.to);
      return receiver
        ? [
            {
              index,
              message: { ...toGatewayMessage(message, receiver, this.options.defaultSender), id: index + 1 },
            },
          ]
        : [];
    });
    if (submitted.length === 0) return complete(outcomes);
    const credentials = { username: this.options.username, password: this.options.password };
    const document = await this.post(
      submitRequestXml(
        credentials,
        submitted.map((s) => s.message),
      ),
    );
    if (document === undefined) {
      for (const { index } of submitted) outcomes[index] = { outcome: "failed", result: "Failed" };
      return complete(outcomes);
    }
    let response: PswinSubmitResponse;
    try {
      response = parseSubmitResponse(document);
    } catch (error) {
      if (!(error instanceof XmlParseError)) throw error;
      // We cannot tell whether the messages went out; retrying risks a duplicate, giving up risks a loss.
      throw transient("LINK gateway answered with an unreadable document", defaultRetryAfterMs);
    }
    // Wrong credentials stop every SMS: wait for an operator rather than fail each one (Altinn fails them).
    if (response.logon === "FAIL") throw transient("LINK gateway refused the logon", defaultRetryAfterMs);
    const byId = new Map(response.messages.map((m) => [m.id, m]));
    for (const { index, message } of submitted) {
      const result =
        byId.get(String(message.id)) ?? (submitted.length === 1 ? response.messages[0] : undefined);
      if (!result) throw transient("LINK gateway answered without a message status", defaultRetryAfterMs);
      if (result.ok && !result.reference)
        throw new AppError("permanent", "LINK gateway accepted the SMS without a reference");
      outcomes[index] = result.ok
        ? { outcome: "accepted", gatewayReference: result.reference ?? "" }
        : {
            outcome: "failed",
            result: result.info.startsWith(invalidReceiverPrefix) ? "Failed_InvalidRecipient" : "Failed",
          };
    }
    return complete(outcomes);
  }

  /**
   * POSTs the document and returns the response text of a 2xx, or undefined when the gateway refused this
   * request outright (other 4xx); transient conditions are thrown.
   */
  private async post(body: string): Promise<string | undefined> {
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: "POST",
        headers: { "content-type": pswinContentType, accept: "text/xml, application/xml" },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (response.ok) return await response.text();
    } catch (error) {
      if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
        throw transient("LINK gateway timed out", defaultRetryAfterMs);
      }
      if (error instanceof TypeError) throw transient("LINK gateway unreachable", defaultRetryAfterMs);
      throw error;
    }
    await response.body?.cancel();
    const status = response.status;
    const label = `LINK gateway answered HTTP ${status}`;
    if (status === 429) throw throttled(label, retryAfterMs(response.headers.get("retry-after")));
    if (status === 408 || status >= 500) {
      throw transient(label, retryAfterMs(response.headers.get("retry-after")));
    }
    // Credentials or address misconfigured: the same for every SMS, so wait for an operator.
    if (status === 401 || status === 403 || status === 404) throw transient(label, defaultRetryAfterMs);
    return undefined;
  }
}
