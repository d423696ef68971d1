import { parsePhoneNumberFromString } from "libphonenumber-js/max";

/**
 * Norwegian identifiers and contact points as service owners send them. Pure functions: no I/O, no clock.
 */

const nationalIdentityNumberFirstWeights = [3, 7, 6, 1, 8, 9, 4, 5, 2] as const;
const nationalIdentityNumberSecondWeights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;
const organizationNumberWeights = [3, 2, 7, 6, 5, 4, 3, 2] as const;

/**
 * The modulus-11 check digit for `digits` with `weights` (one weight per digit), or undefined when the
 * weighted sum leaves remainder 1: no single digit can complete such a number, so it is invalid.
 */
function mod11CheckDigit(digits: string, weights: readonly number[]): number | undefined {
  let sum = 0;
  for (const [i, weight] of weights.entries()) sum += Number(digits[i]) * weight;
  const remainder = sum % 11;
  if (remainder === 0) return 0;
  if (remainder === 1) return undefined;
  return 11 - remainder;
}

/**
 * A fødselsnummer or D-nummer (first digit + 4): 11 digits whose two modulus-11 check digits match.
 * The date in the first six digits is deliberately not checked: synthetic test numbers (Tenor, NAV)
 * shift the month, and Skatteetaten's own rule is the check digits.
 */
export function isValidNationalIdentityNumber(value: string): boolean {
  if (!/^\d{11}$/.test(value)) return false;
  const first = mod11CheckDigit(value, nationalIdentityNumberFirstWeights);
  if (first === undefined || first !== Number(value[9])) return false;
  const second = mod11CheckDigit(value, nationalIdentityNumberSecondWeights);
  return second !== undefined && second === Number(value[10]);
}

/** An organisasjonsnummer from Enhetsregisteret: 9 digits whose last is the modulus-11 check digit. */
export function isValidOrganizationNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const check = mod11CheckDigit(value, organizationNumberWeights);
  return check !== undefined && check === Number(value[8]);
}

/** Norwegian mobile numbers are 8 digits starting with 4 or 9; written without +47 they are still unambiguous. */
const norwegianMobileWithoutCountryCode = /^[49]\d{7}$/;

/**
 * The E.164 form (`+4798765432`) of a mobile phone number, or undefined when the text is not one.
 * Accepts spaces anywhere, the `00` international prefix, and a bare 8-digit Norwegian mobile number;
 * anything else must start with `+` and a country code. Landlines are rejected because SMS to them fails.
 */
export function normalizeMobileNumber(value: string): string | undefined {
  let number = value.replace(/\s+/g, "");
  if (number.startsWith("00")) number = `+${number.slice(2)}`;
  else if (norwegianMobileWithoutCountryCode.test(number)) number = `+47${number}`;
  if (!/^\+\d+$/.test(number)) return undefined;

  // The `max` metadata is the one that carries the number-type patterns getType() needs.
  const parsed = parsePhoneNumberFromString(number);
  if (!parsed?.isValid()) return undefined;
  const type = parsed.getType();
  return type === "MOBILE" || type === "FIXED_LINE_OR_MOBILE" ? parsed.number : undefined;
}

// Built from parts so each rule of the address is readable on its own.
const atextCharacter = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~]";
const localPart = `(?:"[^"]+"|${atextCharacter}+(?:\\.${atextCharacter}+)*)`;
const domainLabel = "[A-Za-z0-9æøåÆØÅ](?:[A-Za-z0-9æøåÆØÅ-]{0,61}[A-Za-z0-9æøåÆØÅ])?";
const hostName = `(?:${domainLabel}\\.){1,9}[A-Za-z]{2,14}`;
const ipv4Octet = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const ipv4Address = `${ipv4Octet}(?:\\.${ipv4Octet}){3}`;
const emailAddressPattern = new RegExp(`^${localPart}@(?:${hostName}|${ipv4Address}|\\[${ipv4Address}\\])$`);

/**
 * One email address, as Altinn 2 accepted them (Altinn Notifications reuses that rule): a dot-atom or
 * quoted local part; a domain of 1-9 labels (letters, digits, hyphens inside, and æøå) followed by a
 * 2-14 letter top-level domain, or an IPv4 address. Anchored, so lists like `a@b.no;c@d.no` are rejected.
 */
export function isValidEmailAddress(value: string): boolean {
  return emailAddressPattern.test(value);
}

const idportenEmailPrefix = "urn:altinn:person:idporten-email:";
const usernamePrefixes = [
  "urn:altinn:username:",
  "urn:altinn:person:legacy-selfidentified:",
  "urn:altinn:party:username:",
] as const;

/**
 * A user without a national identity number, as Altinn names them: an ID-porten email user
 * (`urn:altinn:person:idporten-email:{email}`, the email must be valid) or a self-identified username
 * (`urn:altinn:username:{u}`, `urn:altinn:person:legacy-selfidentified:{u}`, `urn:altinn:party:username:{u}`).
 */
export function isValidExternalIdentity(urn: string): boolean {
  if (urn.startsWith(idportenEmailPrefix)) return isValidEmailAddress(urn.slice(idportenEmailPrefix.length));
  const usernamePrefix = usernamePrefixes.find((prefix) => urn.startsWith(prefix));
  return usernamePrefix !== undefined && urn.slice(usernamePrefix.length).trim().length > 0;
}
