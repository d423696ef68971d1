import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "../../shared/local/embeddedCosmos";

let cosmos: EmbeddedCosmos;
beforeAll(async () => {
  cosmos = await startEmbeddedCosmos(0);
});
afterAll(() => cosmos.close());

describe("embedded Cosmos keep-alive", () => {
  it("announces how long an idle connection stays open, so the SDK's agent retires it before the server does", async () => {
    const response = await fetch(`${cosmos.endpoint}/`);
    await response.text();
    expect(response.headers.get("keep-alive")).toBe("timeout=60");
    expect(response.headers.get("connection")).toBe("keep-alive");
  });
});
