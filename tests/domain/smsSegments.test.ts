import { describe, expect, it } from "vitest";
import { futureOrderRequestSchema } from "../../shared/domain/requests/futureOrder";
import { legacySmsOrderRequestSchema } from "../../shared/domain/requests/legacyOrder";
import { validate } from "../../shared/domain/requests/validate";
import { countSmsSegments } from "../../shared/domain/smsSegments";

describe("SMS segments, as a handset counts them", () => {
  it("counts GSM 7-bit text: 160 in one SMS, 153 per segment, an extension character as two septets never split", () => {
    expect(countSmsSegments("a".repeat(160))).toEqual({ encoding: "GSM-7", segments: 1 });
    expect(countSmsSegments("a".repeat(161))).toEqual({ encoding: "GSM-7", segments: 2 });
    expect(countSmsSegments("æøå".repeat(102))).toEqual({ encoding: "GSM-7", segments: 2 });
    expect(countSmsSegments("€".repeat(80))).toEqual({ encoding: "GSM-7", segments: 1 });
    expect(countSmsSegments("€".repeat(81))).toEqual({ encoding: "GSM-7", segments: 2 });
    // 152 septets, then a two-septet € that does not fit the first segment's last septet.
    expect(countSmsSegments(`${"a".repeat(152)}€${"a".repeat(152)}`)).toEqual({
      encoding: "GSM-7",
      segments: 3,
    });
  });

  it("counts UCS-2 text in UTF-16 units: 70 in one SMS, 67 per segment, an emoji's surrogate pair never split", () => {
    expect(countSmsSegments("ş".repeat(70))).toEqual({ encoding: "UCS-2", segments: 1 });
    expect(countSmsSegments("ş".repeat(71))).toEqual({ encoding: "UCS-2", segments: 2 });
    expect(countSmsSegments("😀".repeat(35))).toEqual({ encoding: "UCS-2", segments: 1 });
    // 134 units would fill two segments, but the pair does not fit after 66 units and starts the second.
    expect(countSmsSegments(`${"a".repeat(66)}😀${"a".repeat(66)}`)).toEqual({
      encoding: "UCS-2",
      segments: 3,
    });
  });
});

describe("the SMS segment limit at intake", () => {
  const now = new Date("2026-11-23T09:00:00.000Z");
  const order = (body: string) => ({
    idempotencyId: "sms-1",
    recipient: { recipientSms: { phoneNumber: "+4798765432", smsSettings: { body } } },
  });

  it("accepts 16 segments and refuses the 17th with a 400 that says why", () => {
    expect(validate(futureOrderRequestSchema, order("ş".repeat(16 * 67)), { now }).ok).toBe(true);
    // The 2,144-character bound comes first for GSM text: that is 15 segments.
    expect(validate(futureOrderRequestSchema, order("a".repeat(2144)), { now }).ok).toBe(true);
    const emoji = validate(futureOrderRequestSchema, order(`Hei 😀 ${"a".repeat(16 * 67)}`), { now });
    expect(emoji).toEqual({
      ok: false,
      errors: {
        "recipient.recipientSms.smsSettings.body": [
          "The SMS body needs 17 segments (UCS-2, 67 characters a segment, because '😀' is not in the GSM 7-bit alphabet); at most 16 are allowed.",
        ],
      },
    });
  });

  it("applies to the legacy SMS order too", () => {
    const result = validate(
      legacySmsOrderRequestSchema,
      { body: "ş".repeat(16 * 67 + 1), recipients: [{ mobileNumber: "+4798765432" }] },
      { now },
    );
    expect(result.ok ? [] : result.errors["body"]).toEqual([
      "The SMS body needs 17 segments (UCS-2, 67 characters a segment, because 'ş' is not in the GSM 7-bit alphabet); at most 16 are allowed.",
    ]);
  });
});
