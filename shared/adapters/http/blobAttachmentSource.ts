import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { AttachmentReference } from "../../domain/attachments";
import { transient } from "../../errors";
import { errorCode } from "../../narrowing";
import type {
  AttachmentFetchOutcome,
  AttachmentSource,
  FetchedAttachment,
} from "../../ports/attachmentSource";
import { pinnedLookup } from "./pinnedLookup";
import { checkOutboundUrl, hostOf, type HostResolver, type OutboundPolicy } from "./ssrfGuard";

interface BlobAttachmentSourceOptions extends OutboundPolicy {
  /** Bound on one file: DNS, connect, headers and body. */
  timeoutMs?: number;
  resolveHost?: HostResolver;
}

/** Retrying may help: the blob service is busy or failing, or the request timed out (Altinn's rule). */
const isRetryableStatus = (status: number) => status >= 500 || status === 429 || status === 408;

type OneFile =
  | { kind: "read"; content: Buffer }
  | { kind: "invalid" }
  | { kind: "too-large" }
  | { kind: "retry"; reason: string };

/**
 * Reads attachments from Azure Blob Storage (or Azurite locally) by their SAS URLs, one at a time, through
 * the outbound guard (a SAS URL is tenant input: it must not reach our network) and streamed against the
 * size budget, so a file larger than the budget is never held in memory. A 4xx (expired, revoked, deleted)
 * is permanent: `Failed_InvalidSasUrl`, as Altinn. Reasons name the file and the status, never the URL.
 */
export class BlobAttachmentSource implements AttachmentSource {
  private readonly timeoutMs: number;

  constructor(private readonly options: BlobAttachmentSourceOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async fetchAll(references: AttachmentReference[], maxTotalBytes: number): Promise<AttachmentFetchOutcome> {
    const attachments: FetchedAttachment[] = [];
    let totalBytes = 0;
    for (const reference of references) {
      const file = await this.fetchOne(reference.sasUrl, maxTotalBytes - totalBytes);
      if (file.kind === "invalid") return { outcome: "failed", result: "Failed_InvalidSasUrl" };
      if (file.kind === "too-large") return { outcome: "failed", result: "Failed_PayloadTooLarge" };
      if (file.kind === "retry") {
        throw transient(`attachment '${reference.filename}' could not be read: ${file.reason}`);
      }
      totalBytes += file.content.length;
      attachments.push({ filename: reference.filename, mimeType: reference.mimeType, content: file.content });
    }
    return { outcome: "fetched", attachments, totalBytes };
  }

  private async fetchOne(sasUrl: string, budget: number): Promise<OneFile> {
    if (!URL.canParse(sasUrl)) return { kind: "invalid" };
    const url = new URL(sasUrl);
    const target = await checkOutboundUrl(url, this.options, this.options.resolveHost);
    if (!target.allowed) return { kind: "invalid" };
    const transport = url.protocol === "https:" ? https : http;
    return new Promise<OneFile>((resolve) => {
      const request = transport.request(
        {
          method: "GET",
          protocol: url.protocol,
          hostname: hostOf(url), // the name, so TLS checks the certificate for it
          port: url.port,
          path: `${url.pathname}${url.search}`,
          headers: { Host: url.host },
          lookup: pinnedLookup(target.address, target.family),
          agent: false,
          signal: AbortSignal.timeout(this.timeoutMs),
        },
        (response) => void readBody(response, budget).then(resolve),
      );
      request.on("error", (error: NodeJS.ErrnoException) =>
        resolve({ kind: "retry", reason: `network error ${error.code ?? error.name}` }),
      );
      request.end();
    });
  }
}

async function readBody(response: IncomingMessage, budget: number): Promise<OneFile> {
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    response.resume();
    return isRetryableStatus(status) ? { kind: "retry", reason: `HTTP ${status}` } : { kind: "invalid" };
  }
  const declared = Number(response.headers["content-length"] ?? "0");
  if (declared > budget) {
    response.destroy();
    return { kind: "too-large" };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response) {
      // An IncomingMessage without an encoding yields Buffers; anything else is not the body we asked for.
      if (!Buffer.isBuffer(chunk)) throw new TypeError("the response stream yielded text, not bytes");
      const buffer = chunk;
      size += buffer.length;
      if (size > budget) {
        response.destroy();
        return { kind: "too-large" };
      }
      chunks.push(buffer);
    }
  } catch (error) {
    return {
      kind: "retry",
      reason: `network error ${errorCode(error) ?? "while reading"}`,
    };
  }
  return { kind: "read", content: Buffer.concat(chunks) };
}
