/**
 * Test mode: an organisation's orders go through the whole pipeline, but email and SMS go to a simulator inside
 * the service instead of ACS and LINK, which reports an outcome chosen by the recipient's address. The magic
 * values are documented for integrators in docs/integrating.md.
 */

/** What the simulated provider does with an email, by the address's local part (any domain, any case). */
type SimulatedEmailOutcome =
  | { kind: "refused"; result: "Failed_InvalidEmailFormat" | "Failed_SupressedRecipient" }
  | { kind: "reported"; acsStatus: "Delivered" | "Bounced" | "Failed" | "FilteredSpam" | "Quarantined" };

const emailByLocalPart: Readonly<Record<string, SimulatedEmailOutcome>> = {
  bounced: { kind: "reported", acsStatus: "Bounced" },
  failed: { kind: "reported", acsStatus: "Failed" },
  spam: { kind: "reported", acsStatus: "FilteredSpam" },
  quarantined: { kind: "reported", acsStatus: "Quarantined" },
  suppressed: { kind: "refused", result: "Failed_SupressedRecipient" },
  invalid: { kind: "refused", result: "Failed_InvalidEmailFormat" },
};

export function simulatedEmailOutcome(address: string): SimulatedEmailOutcome {
  const localPart = (address.split("@")[0] ?? "").toLowerCase().split("+")[0] ?? "";
  return Object.hasOwn(emailByLocalPart, localPart)
    ? (emailByLocalPart[localPart] ?? { kind: "reported", acsStatus: "Delivered" })
    : { kind: "reported", acsStatus: "Delivered" };
}

/** What the simulated gateway does with an SMS, by the number (E.164). */
type SimulatedSmsOutcome =
  | { kind: "refused"; result: "Failed_InvalidRecipient" }
  | { kind: "reported"; state: "DELIVRD" | "UNDELIV" | "EXPIRED" | "REJECTD" };

const smsByNumber: Readonly<Record<string, SimulatedSmsOutcome>> = {
  "+4790000002": { kind: "reported", state: "UNDELIV" },
  "+4790000003": { kind: "reported", state: "EXPIRED" },
  "+4790000004": { kind: "reported", state: "REJECTD" },
  "+4790000005": { kind: "refused", result: "Failed_InvalidRecipient" },
};

export function simulatedSmsOutcome(number: string): SimulatedSmsOutcome {
  return Object.hasOwn(smsByNumber, number)
    ? (smsByNumber[number] ?? { kind: "reported", state: "DELIVRD" })
    : { kind: "reported", state: "DELIVRD" };
}

/** The simulated report follows the send after this long, as a provider's would. */
export const simulatedReportDelayMs = 2_000;

/**
 * Persons a test-mode organisation can order to (synthetic numbers, born 1 January 1990 with the month shifted by
 * 80 as in Skatteetaten's test register, so no real person has them): the register answers for them from here,
 * and any other number is looked up in the real register copy.
 */
export const simulatedPersons: Readonly<
  Record<string, { reserved: boolean; email?: string; mobileNumber?: string } | "unknown">
> = {
  "01819000200": { reserved: false, email: "delivered@example.org", mobileNumber: "+4798765432" },
  "01819000049": { reserved: true, email: "reserved@example.org", mobileNumber: "+4798765433" },
  "01819000391": "unknown",
};
