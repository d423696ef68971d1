import { simulatedPersons } from "../../domain/testMode";
import type { ContactRegistry } from "../../ports/contactRegistry";
import type { PersonContact } from "../../domain/contactLookup/contacts";

/**
 * The register as a test-mode organisation sees it: the simulated persons (a reserved one, one not in the
 * register, one with contact details) answered from domain/testMode.ts, everything else from the real copy.
 */
export function withSimulatedPersons(registry: ContactRegistry): ContactRegistry {
  const findPersons = async (numbers: string[]): Promise<Map<string, PersonContact>> => {
    const real = numbers.filter((n) => !Object.hasOwn(simulatedPersons, n));
    const found = real.length > 0 ? await registry.findPersons(real) : new Map<string, PersonContact>();
    for (const number of numbers) {
      const simulated = Object.hasOwn(simulatedPersons, number) ? simulatedPersons[number] : undefined;
      if (simulated && simulated !== "unknown")
        found.set(number, { nationalIdentityNumber: number, ...simulated });
    }
    return found;
  };
  // Every other question goes to the real copy, whatever the port grows to ask.
  return new Proxy(registry, {
    get: (target, property, receiver): unknown =>
      property === "findPersons" ? findPersons : Reflect.get(target, property, receiver),
  });
}
