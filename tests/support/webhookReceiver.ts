import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  body: unknown;
  signatures: string[];
}

/**
 * A receiver on 127.0.0.1 as an integrator would write one: it checks every request's signature with the
 * Standard Webhooks reference library under each secret it knows, answers 503 while `down`, and keeps what it
 * accepted (a 2xx) in `accepted` and every request in `requests`.
 */
export class WebhookReceiver {
  readonly accepted: ReceivedWebhook[] = [];
  readonly requests: ReceivedWebhook[] = [];
  /** Requests whose signature matched none of the secrets. */
  readonly badSignatures: string[] = [];
  down = false;
  secrets: string[] = [];
  private server: Server | undefined;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const header = (name: string) => String(request.headers[name] ?? "");
        const received: ReceivedWebhook = {
          id: header("webhook-id"),
          timestamp: Number(header("webhook-timestamp")),
          body: JSON.parse(raw) as unknown,
          signatures: header("webhook-signature").split(" "),
        };
        this.requests.push(received);
        if (!this.verifies(received, raw)) this.badSignatures.push(received.id);
        if (this.down) {
          response.writeHead(503).end();
          return;
        }
        this.accepted.push(received);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/hooks/varsel`;
  }

  /**
   * The reference library's own signature for the message under any known secret must be among those sent
   * (`sign`, not `verify`: verify also checks the timestamp against the real clock, and these tests move a
   * fake one by hours; `verifyNow` covers verify).
   */
  private verifies(received: ReceivedWebhook, raw: string): boolean {
    return this.secrets.some((secret) =>
      received.signatures.includes(
        new Webhook(secret).sign(received.id, new Date(received.timestamp * 1000), raw),
      ),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
