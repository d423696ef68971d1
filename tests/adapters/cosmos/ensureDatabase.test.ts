import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { containers } from "../../../shared/platform/resources";
import { startTestCosmos, type TestCosmos } from "../../support/cosmos";

let cosmos: TestCosmos;

beforeAll(async () => {
  cosmos = await startTestCosmos();
});

afterAll(async () => {
  await cosmos.close();
});

describe("ensureDatabase", () => {
  it("creates every container partitioned as infra/app/cosmos.bicep declares it: its path, hash version 2", async () => {
    for (const definition of Object.values(containers)) {
      const { resource } = await cosmos.database.container(definition.name).read();
      expect(resource?.partitionKey, definition.name).toMatchObject({
        paths: [definition.partitionKeyPath],
        version: 2,
      });
    }
  });
});
