import type { ResolvedAddress } from "./contactLookup/types";

/**
 * Placeholders in email subjects, email bodies and SMS bodies (reference §1.12). Case-sensitive, as Altinn's.
 * Only recipients identified by national identity number or organisation number get them replaced; for a
 * direct email address, phone number or external identity there is nothing to look up, so the text stays as
 * written (Altinn `KeywordsService`).
 */
const recipientNameKeyword = "$recipientName$";
const recipientNumberKeyword = "$recipientNumber$";

export type KeywordRecipient = Pick<
  ResolvedAddress,
  "nationalIdentityNumber" | "organizationNumber" | "recipientName"
>;

export function hasKeywords(text: string | undefined): boolean {
  return text !== undefined && (text.includes(recipientNameKeyword) || text.includes(recipientNumberKeyword));
}

/** split/join rather than replaceAll: a name like `A$&B` must not be read as a replacement pattern. */
function replaceEvery(text: string, keyword: string, value: string): string {
  return text.split(keyword).join(value);
}

/**
 * The text with the keywords replaced: the organisation's or person's name (empty when the register has
 * none, rather than a raw placeholder in a sent message) and the organisation number — never a national
 * identity number, which would leak it into an email or SMS, so persons get an empty string.
 */
export function applyKeywords(text: string, recipient: KeywordRecipient): string {
  if (!hasKeywords(text)) return text;
  let number: string;
  if (recipient.organizationNumber) number = recipient.organizationNumber;
  else if (recipient.nationalIdentityNumber) number = "";
  else return text;
  const named = replaceEvery(text, recipientNameKeyword, recipient.recipientName ?? "");
  return replaceEvery(named, recipientNumberKeyword, number);
}
