import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pathsOutsideIndex } from "../../shared/local/indexCoverage";
import { containers } from "../../shared/platform/resources";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";

const onlyStatus = { includedPaths: [{ path: "/status/?" }], excludedPaths: [{ path: "/*" }] };

describe("pathsOutsideIndex", () => {
  it("names the filtered and sorted paths the policy leaves out, not the projected ones", () => {
    expect(
      pathsOutsideIndex(
        "SELECT c.body FROM c WHERE c.status = 'New' AND c.recipient.address = @a ORDER BY c.created DESC",
        onlyStatus,
      ),
    ).toEqual(["/recipient/address", "/created"]);
  });

  it("reads an array searched by ARRAY_CONTAINS as its elements, or their fields for a partial match", () => {
    const policy = {
      includedPaths: [{ path: "/resources/[]/?" }, { path: "/recipients/[]/nationalIdentityNumber/?" }],
      excludedPaths: [{ path: "/*" }],
    };
    expect(
      pathsOutsideIndex(
        "SELECT * FROM c WHERE ARRAY_CONTAINS(c.resources, @r) AND ARRAY_CONTAINS(c.recipients, {'nationalIdentityNumber': @n}, true)",
        policy,
      ),
    ).toEqual([]);
    expect(
      pathsOutsideIndex("SELECT * FROM c WHERE ARRAY_CONTAINS(c.recipients, {'address': @a}, true)", policy),
    ).toEqual(["/recipients/[]/address"]);
  });

  it("takes the most precise path: an excluded field under an included subtree is not indexed", () => {
    const policy = { includedPaths: [{ path: "/*" }], excludedPaths: [{ path: "/payload/*" }] };
    expect(pathsOutsideIndex("SELECT * FROM c WHERE c.payload.to = @a AND c.status = 'x'", policy)).toEqual([
      "/payload/to",
    ]);
  });

  it("refuses nothing under the default policy, and follows the query's alias", () => {
    expect(pathsOutsideIndex("SELECT * FROM c WHERE c.anything = 1 ORDER BY c.other", {})).toEqual([]);
    expect(pathsOutsideIndex("SELECT * FROM root r WHERE r.status = 'x'", onlyStatus)).toEqual([]);
  });
});

describe("the local store under a container's indexing policy", () => {
  let cosmos: TestCosmos;

  beforeAll(async () => {
    cosmos = await startTestCosmos();
  });

  afterAll(async () => {
    await cosmos.close();
  });

  it("refuses a query on a path the policy does not index with a 400 that names it, and serves the others", async () => {
    const database = await cosmos.freshDatabase();
    const { container } = await database.containers.createIfNotExists({
      id: `policy-${randomUUID()}`,
      partitionKey: { paths: ["/pk"] },
      indexingPolicy: onlyStatus,
    });
    await container.items.create({ id: "a", pk: "p", status: "New", body: "hello" });

    const served = await container.items
      .query("SELECT c.id FROM c WHERE c.status = 'New' ORDER BY c.status", { partitionKey: "p" })
      .fetchAll();
    expect(served.resources).toEqual([{ id: "a" }]);
    await expect(
      container.items.query("SELECT c.id FROM c WHERE c.body = 'hello'", { partitionKey: "p" }).fetchAll(),
    ).rejects.toMatchObject({ code: 400, message: expect.stringContaining("/body") });
  });

  it("serves the queries the service makes on its own containers (their policies from shared/platform/resources.ts)", async () => {
    const { resources } = await cosmos.database
      .container(containers.notifications.name)
      .items.query({
        query: "SELECT * FROM c WHERE c.orderId = @o ORDER BY c.created ASC",
        parameters: [{ name: "@o", value: randomUUID() }],
      })
      .fetchAll();
    expect(resources).toEqual([]);
    await expect(
      cosmos.database
        .container(containers.notifications.name)
        .items.query("SELECT * FROM c WHERE c.body = 'x'")
        .fetchAll(),
    ).rejects.toMatchObject({ code: 400 });
  });
});
