import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { z } from "zod";
import { errorCode } from "../../narrowing";
import type { BearerTokenSource } from "../../ports/bearerToken";
import type { SendConditionChecker, SendConditionResult } from "../../ports/sendCondition";
import { pinnedLookup } from "./pinnedLookup";
import { checkOutboundUrl, hostOf, type HostResolver, type OutboundPolicy } from "./ssrfGuard";

interface SendConditionOptions extends OutboundPolicy {
  /** Whole-call budget: DNS, connect, TLS, headers and body. */
  timeoutMs?: number;
  /** The answer is one boolean; anything much larger is not a condition response. */
  maxResponseBytes?: number;
  resolveHost?: HostResolver;
  /**
   * The bearer token sent with each call, as Altinn sends a Maskinporten token with the scope
   * `altinn:system/notifications.condition.check`; no `Authorization` header without one.
   */
  bearerToken?: BearerTokenSource;
}

// Exact, case-sensitive name as in Altinn's SendConditionResponse; other properties are ignored.
const conditionResponseSchema = z.object({ sendNotification: z.boolean() });

/**
 * Calls a condition endpoint (Altinn §3.6): GET, `Accept: application/json`, expects 2xx with
 * `{"sendNotification": boolean}`. Redirects are not followed, since the next hop would bypass the SSRF
 * guard. Every failure becomes `{ outcome: "error" }` with a short reason and no response body.
 */
export class HttpSendConditionChecker implements SendConditionChecker {
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: SendConditionOptions) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 16 * 1024;
  }

  async check(endpoint: string): Promise<SendConditionResult> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<SendConditionResult>((resolve) => {
      timer = setTimeout(() => {
        abort.abort();
        resolve(failure(`timed out after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([this.checkWithin(endpoint, abort.signal), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async checkWithin(endpoint: string, signal: AbortSignal): Promise<SendConditionResult> {
    if (!URL.canParse(endpoint)) return failure("endpoint is not an absolute URL");
    const url = new URL(endpoint);
    const target = await checkOutboundUrl(url, this.options, this.options.resolveHost);
    if (!target.allowed) return failure(`endpoint refused: ${target.reason}`);
    let authorization: Record<string, string> = {};
    if (this.options.bearerToken) {
      try {
        authorization = { Authorization: `Bearer ${await this.options.bearerToken()}` };
      } catch (error) {
        return failure(`no access token: ${error instanceof Error ? error.message : "unknown error"}`);
      }
    }
    if (signal.aborted) return failure("aborted");
    const { address, family } = target;
    const transport = url.protocol === "https:" ? https : http;
    return new Promise((resolve) => {
      const request = transport.request(
        {
          method: "GET",
          protocol: url.protocol,
          hostname: hostOf(url), // kept as the name so TLS verifies the certificate for it (SNI + hostname check)
          port: url.port,
          path: `${url.pathname}${url.search}`,
          headers: { Accept: "application/json", Host: url.host, ...authorization },
          lookup: pinnedLookup(address, family),
          // A fresh connection: a pooled socket may have been opened by unguarded code to another address.
          agent: false,
          signal,
        },
        (response) => void readResult(response, this.maxResponseBytes).then(resolve),
      );
      request.on("error", (error: NodeJS.ErrnoException) =>
        resolve(failure(`network error: ${error.code ?? error.name}`)),
      );
      request.end();
    });
  }
}

async function readResult(response: IncomingMessage, maxBytes: number): Promise<SendConditionResult> {
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    response.resume();
    return failure(
      status >= 300 && status < 400 ? `redirect (HTTP ${status}) not followed` : `HTTP ${status}`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response) {
      // An IncomingMessage without an encoding yields Buffers; anything else is not the body we asked for.
      if (!Buffer.isBuffer(chunk)) throw new TypeError("the response stream yielded text, not bytes");
      const buffer = chunk;
      size += buffer.length;
      if (size > maxBytes) {
        response.destroy();
        return failure(`response larger than ${maxBytes} bytes`);
      }
      chunks.push(buffer);
    }
  } catch (error) {
    return failure(`network error: ${errorCode(error) ?? "while reading body"}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return failure("response is not JSON");
  }
  const parsed = conditionResponseSchema.safeParse(body);
  if (!parsed.success) return failure("response has no boolean sendNotification");
  return { outcome: parsed.data.sendNotification ? "send" : "skip" };
}

function failure(reason: string): SendConditionResult {
  return { outcome: "error", reason };
}
