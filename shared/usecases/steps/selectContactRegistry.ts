import type { ContactRegistry } from "../../ports/contactRegistry";
import type { TestModeProviders } from "../../ports/testMode";

/** The register an organisation's orders are looked up in: with the simulated persons in test mode. */
export function contactsFor(
  deps: { contacts: ContactRegistry; testMode?: TestModeProviders },
  tenant: string,
): ContactRegistry {
  return deps.testMode?.covers(tenant) ? deps.testMode.contacts(deps.contacts) : deps.contacts;
}
