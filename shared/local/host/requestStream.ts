import type { IncomingMessage } from "node:http";
import { ClientAbortedError } from "./requestBody";

/** Chunks of the body held ahead of the handler: the socket is paused beyond, so memory stays bounded. */
const chunksAhead = 4;

/**
 * The request body as a web stream for a function that reads it as it arrives (`enableHttpStream`), as the
 * Functions host's HTTP proxy hands it over. Unlike `Readable.toWeb`, a handler that stops reading early
 * does not destroy the connection: the host still has to answer, so the rest is left for `drainRequest`.
 */
export function streamRequestBody(request: IncomingMessage): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const fail = (error: Error) => {
          if (cancelled) return;
          cancelled = true;
          controller.error(error);
        };
        request.on("data", (chunk: Buffer) => {
          if (cancelled) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) request.pause();
        });
        request.once("end", () => {
          if (cancelled) return;
          cancelled = true;
          controller.close();
        });
        request.once("error", () => fail(new ClientAbortedError()));
        request.once("close", () => {
          if (!request.complete) fail(new ClientAbortedError());
        });
      },
      pull() {
        request.resume();
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: chunksAhead },
  );
}

/**
 * Reads and drops what the handler left of the body, so the client finishes sending and reads the answer
 * (a 413, a 400 for bad lines). Resolves false when more than `limitBytes` remain: the connection must close.
 */
export function drainRequest(request: IncomingMessage, limitBytes: number): Promise<boolean> {
  if (request.complete) return Promise.resolve(true);
  return new Promise((resolve) => {
    let dropped = 0;
    // The body's stream is done with: what arrives now is dropped, not queued for a reader that is gone.
    request.removeAllListeners("data");
    const onData = (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped <= limitBytes) return;
      request.off("data", onData);
      request.pause();
      resolve(false);
    };
    request.on("data", onData);
    request.once("end", () => resolve(true));
    request.once("close", () => resolve(request.complete));
    request.resume();
  });
}
