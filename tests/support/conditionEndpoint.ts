import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ConditionEndpoint {
  /** `${url}/yes` answers true, `/no` false, `/broken` HTTP 500. */
  url: string;
  close(): Promise<void>;
}

/** A service owner's send-condition endpoint on loopback. */
export async function startConditionEndpoint(): Promise<ConditionEndpoint> {
  const server: Server = createServer((req, res) => {
    if (req.url === "/broken") {
      res.writeHead(500);
      return res.end();
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ sendNotification: req.url === "/yes" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
