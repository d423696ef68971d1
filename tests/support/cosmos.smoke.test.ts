import { afterAll, beforeAll, expect, it } from "vitest";
import { containers } from "../../shared/platform/resources";
import { startTestCosmos, type TestCosmos } from "./cosmos";

let cosmos: TestCosmos;
beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());

it("creates every container the code uses, with its partition key", async () => {
  const { resources } = await cosmos.database.containers.readAll().fetchAll();
  const byName = new Map(resources.map((c) => [c.id, c.partitionKey?.paths]));
  for (const definition of Object.values(containers)) {
    expect(byName.get(definition.name)).toEqual([definition.partitionKeyPath]);
  }
});
