import http from "node:http";
import https from "node:https";
import { webhookTimeoutMs } from "../../domain/webhooks";
import type { WebhookPoster, WebhookRequest, WebhookResult } from "../../ports/webhooks";
import { pinnedLookup } from "./pinnedLookup";
import { checkOutboundUrl, hostOf, type HostResolver, type OutboundPolicy } from "./ssrfGuard";

interface WebhookClientOptions extends OutboundPolicy {
  timeoutMs?: number;
  resolveHost?: HostResolver;
}

/**
 * Posts webhook deliveries to URLs an organisation registered, through the same outbound guard as condition
 * endpoints: https only (outside local mode), every resolved address checked on every delivery and the
 * connection pinned to the checked address, redirects not followed (the next hop would bypass the guard).
 * The receiver's body is read and discarded: only its status decides.
 */
export class HttpWebhookPoster implements WebhookPoster {
  private readonly timeoutMs: number;

  constructor(private readonly options: WebhookClientOptions) {
    this.timeoutMs = options.timeoutMs ?? webhookTimeoutMs;
  }

  async check(url: string): Promise<{ allowed: true } | { allowed: false; reason: string }> {
    if (!URL.canParse(url)) return { allowed: false, reason: "not an absolute URL" };
    const decision = await checkOutboundUrl(new URL(url), this.options, this.options.resolveHost);
    return decision.allowed ? { allowed: true } : decision;
  }

  async post(request: WebhookRequest): Promise<WebhookResult> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    try {
      return await this.postWithin(request, abort.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private async postWithin(request: WebhookRequest, signal: AbortSignal): Promise<WebhookResult> {
    if (!URL.canParse(request.url)) return failed("URL refused: not an absolute URL");
    const url = new URL(request.url);
    const target = await checkOutboundUrl(url, this.options, this.options.resolveHost);
    if (!target.allowed) return failed(`URL refused: ${target.reason}`);
    const transport = url.protocol === "https:" ? https : http;
    const body = Buffer.from(request.body, "utf8");
    return new Promise((resolve) => {
      const outgoing = transport.request(
        {
          method: "POST",
          protocol: url.protocol,
          hostname: hostOf(url), // the name, so TLS verifies the certificate for it
          port: url.port,
          path: `${url.pathname}${url.search}`,
          headers: {
            ...request.headers,
            "content-type": "application/json",
            "content-length": String(body.length),
            "user-agent": "varsel-webhooks",
            host: url.host,
          },
          lookup: pinnedLookup(target.address, target.family),
          agent: false,
          signal,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          response.resume();
          response.on("end", () => resolve(answer(status)));
          response.on("error", () => resolve(answer(status)));
        },
      );
      outgoing.on("error", (error: NodeJS.ErrnoException) =>
        resolve(
          failed(
            signal.aborted
              ? `timed out after ${this.timeoutMs} ms`
              : `network error: ${error.code ?? error.name}`,
          ),
        ),
      );
      outgoing.end(body);
    });
  }
}

function answer(status: number): WebhookResult {
  if (status >= 200 && status < 300) return { outcome: "delivered", status };
  return failed(status >= 300 && status < 400 ? `redirect (HTTP ${status}) not followed` : `HTTP ${status}`);
}

function failed(reason: string): WebhookResult {
  return { outcome: "failed", reason };
}
