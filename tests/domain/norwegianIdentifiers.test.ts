import { describe, expect, it } from "vitest";
import {
  isValidEmailAddress,
  isValidExternalIdentity,
  isValidNationalIdentityNumber,
  isValidOrganizationNumber,
  normalizeMobileNumber,
} from "../../shared/domain/norwegianIdentifiers";

const digits = (count: number) =>
  Array.from({ length: count }, (_, i) => String(i).padStart(String(count - 1).length, "0"));

describe("isValidNationalIdentityNumber", () => {
  it.each([
    ["a fødselsnummer (Skatteetaten's published example)", "15076500565"],
    ["a fødselsnummer born on the last day of March", "31039999946"],
    ["a fødselsnummer whose first check digit is 0 (remainder 0)", "03039000708"],
    ["a D-nummer (first digit + 4)", "41019012393"],
    ["another D-nummer", "55058911193"],
    ["a synthetic Tenor test number (month + 80)", "07837399275"],
  ])("accepts %s", (_, number) => {
    expect(isValidNationalIdentityNumber(number)).toBe(true);
  });

  it.each([
    ["the second check digit off by one", "15076500564"],
    ["the first check digit off by one", "15076500575"],
    ["a birth-date digit changed", "15076600565"],
    ["10 digits", "1507650056"],
    ["12 digits", "150765005650"],
    ["a letter", "1507650056a"],
    ["a space", "150765 00565"],
    ["a sign", "+5076500565"],
    ["the empty string", ""],
  ])("rejects %s", (_, number) => {
    expect(isValidNationalIdentityNumber(number)).toBe(false);
  });

  it("rejects every completion of nine digits whose first weighted sum leaves remainder 1", () => {
    // 010190108: 3·0+7·1+6·0+1·1+8·9+9·0+4·1+5·0+2·8 = 100 = 9·11 + 1, so no first check digit exists.
    const valid = digits(100).filter((checkDigits) =>
      isValidNationalIdentityNumber(`010190108${checkDigits}`),
    );
    expect(valid).toEqual([]);
  });

  it("rejects every completion of ten digits whose second weighted sum leaves remainder 1", () => {
    // 0202900086 has a correct first check digit (6), but its second weighted sum leaves remainder 1.
    const valid = digits(10).filter((last) => isValidNationalIdentityNumber(`0202900086${last}`));
    expect(valid).toEqual([]);
  });
});

describe("isValidOrganizationNumber", () => {
  it.each([
    ["Digdir", "991825827"],
    ["Brønnøysundregistrene", "974760673"],
    ["a number whose check digit is 0 (remainder 0)", "911000040"],
  ])("accepts %s", (_, number) => {
    expect(isValidOrganizationNumber(number)).toBe(true);
  });

  it.each([
    ["the check digit off by one", "991825828"],
    ["another digit changed", "991825837"],
    ["8 digits", "99182582"],
    ["10 digits", "9918258270"],
    ["a letter", "99182582a"],
    ["spaces", "991 825 827"],
    ["the empty string", ""],
  ])("rejects %s", (_, number) => {
    expect(isValidOrganizationNumber(number)).toBe(false);
  });

  it("rejects every completion of eight digits whose weighted sum leaves remainder 1", () => {
    const valid = digits(10).filter((last) => isValidOrganizationNumber(`91000008${last}`));
    expect(valid).toEqual([]);
  });
});

describe("normalizeMobileNumber", () => {
  it.each([
    ["00 international prefix", "004798765432", "+4798765432"],
    ["bare 8-digit Norwegian mobile starting with 9", "98765432", "+4798765432"],
    ["bare 8-digit Norwegian mobile starting with 4", "40000000", "+4740000000"],
    ["E.164", "+4798765432", "+4798765432"],
    ["spaces", "+47 987 65 432", "+4798765432"],
    ["leading and trailing spaces", " 98765432 ", "+4798765432"],
    ["a Swedish mobile", "+46701234567", "+46701234567"],
    ["a US number that may be mobile (FIXED_LINE_OR_MOBILE)", "+12015550123", "+12015550123"],
  ])("accepts %s", (_, input, expected) => {
    expect(normalizeMobileNumber(input)).toBe(expected);
  });

  it.each([
    ["a Norwegian landline", "+4722123456"],
    ["a bare 8-digit landline", "22123456"],
    ["a country code without + or 00", "4798765432"],
    ["a doubled +", "++4798765432"],
    ["a hyphen", "+47-98765432"],
    ["one digit too few", "+479876543"],
    ["one digit too many", "+47987654321"],
    ["a country code alone", "+47"],
    ["letters", "hello"],
    ["a trailing letter", "+4798765432x"],
    ["the empty string", ""],
  ])("rejects %s", (_, input) => {
    expect(normalizeMobileNumber(input)).toBeUndefined();
  });
});

describe("isValidEmailAddress", () => {
  it.each([
    "ola.nordmann@eksempel.no",
    "first+tag@sub.domain.example.com",
    "ola@blåbær.no",
    "post@ÆØÅ.NO",
    '"quoted local part"@eksempel.no',
    '"semi;colon"@eksempel.no',
    "user@192.168.0.1",
    "user@[192.168.0.1]",
    "a@b.abcdefghijklmn",
    "o'brien@example.ie",
  ])("accepts %s", (address) => {
    expect(isValidEmailAddress(address)).toBe(true);
  });

  it.each([
    ["a semicolon-separated list", "a@eksempel.no;b@eksempel.no"],
    ["a comma-separated list", "a@eksempel.no,b@eksempel.no"],
    ["no domain dot", "ola@localhost"],
    ["a 1-letter top-level domain", "ola@eksempel.n"],
    ["a 15-letter top-level domain", "ola@b.abcdefghijklmno"],
    ["a digit in the top-level domain", "ola@eksempel.n0"],
    ["a leading dot", ".ola@eksempel.no"],
    ["two dots in a row", "ola..nordmann@eksempel.no"],
    ["a label starting with a hyphen", "ola@-eksempel.no"],
    ["a label ending with a hyphen", "ola@eksempel-.no"],
    ["æøå in the local part", "blåbær@eksempel.no"],
    ["an unquoted space", "ola nordmann@eksempel.no"],
    ["a trailing space", "ola@eksempel.no "],
    ["an IPv4 octet over 255", "ola@256.1.1.1"],
    ["two @", "ola@nordmann@eksempel.no"],
    ["no @", "eksempel.no"],
    ["the empty string", ""],
  ])("rejects %s", (_, address) => {
    expect(isValidEmailAddress(address)).toBe(false);
  });
});

describe("isValidExternalIdentity", () => {
  it.each([
    "urn:altinn:person:idporten-email:ola@eksempel.no",
    "urn:altinn:username:ola",
    "urn:altinn:person:legacy-selfidentified:ola",
    "urn:altinn:party:username:ola",
  ])("accepts %s", (urn) => {
    expect(isValidExternalIdentity(urn)).toBe(true);
  });

  it.each([
    ["an ID-porten email URN with an invalid email", "urn:altinn:person:idporten-email:not-an-email"],
    ["a username URN with a blank username", "urn:altinn:username:  "],
    ["a username URN without a username", "urn:altinn:party:username:"],
    ["an unknown URN", "urn:altinn:person:identifier-no:15076500565"],
    ["a bare username", "ola"],
  ])("rejects %s", (_, urn) => {
    expect(isValidExternalIdentity(urn)).toBe(false);
  });
});
