import { afterAll, beforeAll, beforeEach } from "vitest";
import type { Dependencies } from "../../shared/app/dependencies";
import { startTestCosmos, type TestCosmos } from "./cosmos";
import { testDependencies } from "./dependencies";
import { startTestIssuer, type TestIssuer } from "./jwks";
import type { ManualClock, RecordingPublisher } from "./pipeline";

export interface FreshDependencies {
  deps: Dependencies;
  publisher: RecordingPublisher;
}

/**
 * Registers the hooks that give each test of a file dependencies on a database of its own, with one Cosmos
 * server and token issuer for the whole file. The returned object is refilled before each test.
 */
export function freshDependenciesPerTest(clock: ManualClock): FreshDependencies {
  let cosmos: TestCosmos;
  let issuer: TestIssuer;
  const current = {} as FreshDependencies;
  beforeAll(async () => {
    cosmos = await startTestCosmos();
    issuer = await startTestIssuer();
  });
  afterAll(async () => {
    await issuer.close();
    await cosmos.close();
  });
  beforeEach(async () => {
    Object.assign(current, await testDependencies(await cosmos.freshDatabase(), issuer, clock));
  });
  return current;
}
