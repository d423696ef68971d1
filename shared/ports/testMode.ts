import type { ContactRegistry } from "./contactRegistry";
import type { EmailSender } from "./emailSender";
import type { SmsSender } from "./smsSender";

/** The providers of organisations in test mode: a simulator that never reaches a person. */
export interface TestModeProviders {
  /** Whether the organisation's notifications go to the simulator. */
  covers(tenant: string): boolean;
  emailSender: EmailSender;
  smsSender: SmsSender;
  /** The register with the simulated persons added (a reserved person, an unknown one). */
  contacts(real: ContactRegistry): ContactRegistry;
}
