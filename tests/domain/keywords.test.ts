import { describe, expect, it } from "vitest";
import { applyKeywords, hasKeywords, type KeywordRecipient } from "../../shared/domain/keywords";

const person: KeywordRecipient = { nationalIdentityNumber: "15838510075", recipientName: "Kari Nordmann" };
const organization: KeywordRecipient = { organizationNumber: "310000019", recipientName: "Eksempel AS" };
const direct: KeywordRecipient = {};

describe("hasKeywords", () => {
  it.each([
    ["Hei $recipientName$", true],
    ["Org $recipientNumber$", true],
    ["Hei $RecipientName$", false],
    ["Hei $recipientName", false],
    ["", false],
    [undefined, false],
  ])("%j → %s", (text, expected) => {
    expect(hasKeywords(text)).toBe(expected);
  });
});

describe("applyKeywords", () => {
  const text = "Hei $recipientName$ ($recipientNumber$), til $recipientName$";
  it.each([
    ["a person gets the name and an empty number", person, "Hei Kari Nordmann (), til Kari Nordmann"],
    [
      "an organisation gets the name and its number",
      organization,
      "Hei Eksempel AS (310000019), til Eksempel AS",
    ],
    ["a direct address keeps the text as written", direct, text],
    [
      "an external identity keeps the text as written",
      { recipientName: "Selv Identifisert" } satisfies KeywordRecipient,
      text,
    ],
    [
      "a person without a registered name gets an empty name",
      { nationalIdentityNumber: "15838510075" } satisfies KeywordRecipient,
      "Hei  (), til ",
    ],
    [
      "a name with $-patterns is inserted literally",
      { organizationNumber: "310000019", recipientName: "A$&B $1 $$" } satisfies KeywordRecipient,
      "Hei A$&B $1 $$ (310000019), til A$&B $1 $$",
    ],
  ])("%s", (_rule, recipient, expected) => {
    expect(applyKeywords(text, recipient)).toBe(expected);
  });

  it("never inserts a national identity number", () => {
    expect(applyKeywords("$recipientNumber$$recipientName$", person)).not.toContain("15838510075");
  });

  it("leaves text without keywords untouched, including other $ words", () => {
    expect(applyKeywords("Pris: $100 $recipientname$", organization)).toBe("Pris: $100 $recipientname$");
  });
});
