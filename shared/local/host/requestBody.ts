import type { IncomingMessage } from "node:http";

type RequestBody =
  | { kind: "complete"; bytes: Buffer }
  /** Over the limit; `closeConnection` when the rest was not read and the socket can't be reused. */
  | { kind: "too-large"; closeConnection: boolean };

/** The client went away before the body arrived; there is nobody to answer. */
export class ClientAbortedError extends Error {
  constructor() {
    super("the client closed the connection before sending the whole body");
    this.name = "ClientAbortedError";
  }
}

/**
 * Past this much we stop reading an oversized body and close the connection. Up to it we keep reading
 * (and dropping) so the client finishes sending and reads the 413 instead of a reset.
 */
export const drainLimitBytes = 64 * 1024 * 1024;

/** Reads the request body up to `maxBytes`, keeping nothing of a body that is larger. */
export function readRequestBody(request: IncomingMessage, maxBytes: number): Promise<RequestBody> {
  const declaredLength = Number(request.headers["content-length"] ?? Number.NaN);
  if (declaredLength > drainLimitBytes) {
    return Promise.resolve({ kind: "too-large", closeConnection: true });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    const onData = (chunk: Buffer): void => {
      receivedBytes += chunk.length;
      if (receivedBytes <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      if (receivedBytes > drainLimitBytes) {
        request.off("data", onData);
        request.pause();
        resolve({ kind: "too-large", closeConnection: true });
      }
    };
    request.on("data", onData);
    request.once("end", () => {
      resolve(
        receivedBytes > maxBytes
          ? { kind: "too-large", closeConnection: false }
          : { kind: "complete", bytes: Buffer.concat(chunks, receivedBytes) },
      );
    });
    // The stream fails only when the connection does (the client aborted, or the parser gave up on the
    // request and the host answered it already): nobody is left to answer.
    request.once("error", () => reject(new ClientAbortedError()));
    request.once("close", () => {
      if (!request.complete) reject(new ClientAbortedError());
    });
  });
}
