import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createHttpServer } from "@vercel/cosmosdb-server";

/** The embedded server does not check keys; the SDK still needs one to sign requests. */
export const embeddedCosmosKey = "bG9jYWwtY29zbW9zLWtleQ==";

export interface EmbeddedCosmos {
  endpoint: string;
  /** The embedded server does not check keys; the SDK still needs one to sign requests. */
  key: string;
  close(): Promise<void>;
}

/** Starts @vercel/cosmosdb-server on loopback (http, keep-alive) for local mode and tests. */
export async function startEmbeddedCosmos(port = 0): Promise<EmbeddedCosmos> {
  const server: Server = createHttpServer({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${actualPort}`,
    key: embeddedCosmosKey,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
