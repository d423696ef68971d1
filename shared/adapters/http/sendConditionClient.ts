import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { z } from "zod";
import type { SendConditionChecker, SendConditionResult } from "../../ports/sendCondition";
import { checkOutboundUrl, type OutboundPolicy } from "./ssrfGuard";

const answerSchema = z.object({ sendNotification: z.boolean() });
/** Enough for `{"sendNotification": false}` and then some; a larger answer is not a condition answer. */
const maxAnswerBytes = 16 * 1024;

export interface SendConditionOptions extends OutboundPolicy {
  timeoutMs?: number;
}

interface RawResponse {
  status: number;
  body: string;
}

/** One GET to the checked address (pinned, so DNS cannot change between the check and the call). */
function get(url: URL, address: string, family: 4 | 6, timeoutMs: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: "GET",
        headers: { accept: "application/json", "user-agent": "varsel-send-condition" },
        lookup: (_host, _options, callback) => callback(null, address, family),
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxAnswerBytes) req.destroy(new Error("the answer is too large"));
          else chunks.push(chunk);
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/**
 * Asks a condition endpoint `{"sendNotification": bool}` with a GET and a timeout (5 s). Redirects are not
 * followed. Anything but a 200 with that JSON is an error, reported with a short reason (never the body).
 */
export class HttpSendConditionChecker implements SendConditionChecker {
  private readonly timeoutMs: number;

  constructor(private readonly options: SendConditionOptions) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  async check(endpoint: string): Promise<SendConditionResult> {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return { outcome: "error", reason: "the endpoint is not a URL" };
    }
    const decision = await checkOutboundUrl(url, this.options);
    if (!decision.allowed) return { outcome: "error", reason: decision.reason };
    let response: RawResponse;
    try {
      response = await get(url, decision.address, decision.family, this.timeoutMs);
    } catch (error) {
      return { outcome: "error", reason: (error as Error).message.slice(0, 120) };
    }
    if (response.status !== 200) return { outcome: "error", reason: `HTTP ${response.status}` };
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      return { outcome: "error", reason: "the answer is not JSON" };
    }
    const answer = answerSchema.safeParse(json);
    if (!answer.success) return { outcome: "error", reason: "the answer has no boolean sendNotification" };
    return { outcome: answer.data.sendNotification ? "send" : "skip" };
  }
}
