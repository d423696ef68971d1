import type { Server } from "node:http";

/** The whole body of a request or response; without an encoding set, Node.js streams yield Buffers. */
export async function readBytes(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    if (!Buffer.isBuffer(chunk)) throw new TypeError("the stream yielded text, not bytes");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The TCP port a listening server was given (it listens on a port, never on a pipe, in local mode). */
export function listeningPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the server is not listening on TCP");
  return address.port;
}
