import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobAttachmentSource } from "../../../shared/adapters/http/blobAttachmentSource";
import { isAppError } from "../../../shared/errors";

/** A blob endpoint answering each path as the test says: a status, and a body of some size. */
let server: Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const [, kind, size] = /^\/(\w+)\/(\d+)/.exec(req.url ?? "") ?? [];
    const body = Buffer.alloc(Number(size ?? 0), 7);
    if (kind === "ok") return void res.writeHead(200, { "content-length": body.length }).end(body);
    if (kind === "chunked") return void res.writeHead(200).end(body); // no length declared
    if (kind === "forbidden") return void res.writeHead(403).end();
    if (kind === "busy") return void res.writeHead(503).end();
    if (kind === "redirect") return void res.writeHead(302, { location: "http://169.254.169.254/" }).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const local = new BlobAttachmentSource({ allowHttp: true, allowLoopback: true });
const file = (path: string) => ({ filename: "f.pdf", mimeType: "application/pdf", sasUrl: `${base}${path}` });

describe("BlobAttachmentSource against a local blob endpoint", () => {
  it("reads the files in order", async () => {
    const read = await local.fetchAll([file("/ok/10?sig=a"), file("/chunked/5?sig=b")], 100);
    expect(read.outcome === "fetched" && read.attachments.map((a) => a.content.length)).toEqual([10, 5]);
  });

  it("counts the budget over all files, by declared length and by bytes read", async () => {
    expect(await local.fetchAll([file("/ok/60"), file("/ok/60")], 100)).toEqual({
      outcome: "failed",
      result: "Failed_PayloadTooLarge",
    });
    expect(await local.fetchAll([file("/chunked/101")], 100)).toEqual({
      outcome: "failed",
      result: "Failed_PayloadTooLarge",
    });
  });

  it("fails a 4xx or a redirect as an invalid SAS URL, and never follows the redirect", async () => {
    for (const path of ["/forbidden/0", "/missing/0", "/redirect/0"]) {
      expect(await local.fetchAll([file(path)], 100)).toEqual({
        outcome: "failed",
        result: "Failed_InvalidSasUrl",
      });
    }
  });

  it("throws a transient error on a 5xx, naming the file but not the URL", async () => {
    const error = await local.fetchAll([file("/busy/0?sig=secret")], 100).catch((e: unknown) => e);
    expect(isAppError(error) && error.kind).toBe("transient");
    expect(String((error as Error).message)).toContain("'f.pdf'");
    expect(String((error as Error).message)).not.toContain("secret");
  });

  it("refuses a URL the outbound guard refuses (here: loopback on Azure) without calling it", async () => {
    const hosted = new BlobAttachmentSource({ allowHttp: true, allowLoopback: false });
    const before = requests.length;
    expect(await hosted.fetchAll([file("/ok/1")], 100)).toEqual({
      outcome: "failed",
      result: "Failed_InvalidSasUrl",
    });
    expect(requests.length).toBe(before);
  });
});
