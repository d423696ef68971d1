import { testModeOf, type ServiceOwnerLimits } from "../../domain/intakeLimits";
import type { Clock } from "../../ports/clock";
import type { Publisher } from "../../ports/publisher";
import type { TestModeProviders } from "../../ports/testMode";
import { ProviderSimulator } from "./providerSimulator";
import { withSimulatedPersons } from "./simulatedRegistry";

/** The simulator, for the organisations SERVICE_OWNER_LIMITS puts in test mode (on Azure as locally). */
export function testModeProviders(
  limits: ServiceOwnerLimits,
  publisher: Publisher,
  clock: Clock,
): TestModeProviders {
  const simulator = new ProviderSimulator(publisher, clock);
  return {
    covers: (tenant) => testModeOf(limits, tenant),
    emailSender: simulator,
    smsSender: simulator,
    contacts: withSimulatedPersons,
  };
}
