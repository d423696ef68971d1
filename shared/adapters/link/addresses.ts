/**
 * Sender and receiver fields as the PSWin gateway wants them (wiki "Gateway XML API", MSG elements):
 * RCV is the international number without "+" or "00"; SND is up to 15 digits, or up to 11 characters of
 * a-z, A-Z, 0-9, space and !"#%&'()*+-./?><; with no national letters.
 */

const maxAlphanumericSender = 11;
const numericSender = /^\+?(\d{1,15})$/;
const notAllowedInSender = /[^A-Za-z0-9 !"#%&'()*+\-./?><;]/g;
/** Letters NFD does not decompose; the rest (å, é, ü, …) lose their marks below. */
const transliterations: Readonly<Record<string, string>> = { Æ: "AE", æ: "ae", Ø: "O", ø: "o", ß: "ss" };

function alphanumericSender(name: string): string {
  return name
    .replace(/[ÆæØøß]/g, (c) => transliterations[c] ?? "")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(notAllowedInSender, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, maxAlphanumericSender)
    .trim();
}

/**
 * The SND value for a requested sender. The gateway would truncate a long name itself (Altinn relies on
 * that); we do it here, and transliterate national letters rather than let the gateway reject the message.
 * A sender with nothing usable left falls back to `fallback`.
 */
export function gatewaySender(requested: string, fallback: string): string {
  const digits = numericSender.exec(requested.trim())?.[1];
  if (digits !== undefined) return digits;
  return alphanumericSender(requested) || alphanumericSender(fallback);
}

/** The RCV value for an E.164 number, or undefined when it is not a phone number at all. */
export function gatewayReceiver(number: string): string | undefined {
  const compact = number.replace(/[\s-]/g, "");
  const digits = /^(?:\+|00)?(\d{1,15})$/.exec(compact);
  return digits?.[1];
}
