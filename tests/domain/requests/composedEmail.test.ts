import { describe, expect, it } from "vitest";
import { composedEmailRequestSchema } from "../../../shared/domain/requests/composedEmail";
import { validate } from "../../../shared/domain/requests/validate";

const now = new Date("2026-11-23T09:00:00.000Z");
const blob = "https://acct.blob.core.windows.net/files/contract.pdf";
const sas = (params: string) => `${blob}?sv=2025-01-05&${params}`;
const validSas = sas("se=2026-11-24T09:00:00Z&sr=b&sp=r&sig=abc");

function request(attachments: unknown, extra: Record<string, unknown> = {}) {
  return {
    idempotencyId: "composed-1",
    recipient: {
      emailAddress: "kari@example.com",
      emailSettings: { subject: "Contract", body: "Attached.", attachments },
    },
    ...extra,
  };
}

function errorsOf(body: unknown, policy = {}) {
  const result = validate(composedEmailRequestSchema(policy), body, { now });
  return result.ok ? {} : result.errors;
}

const at = (index: number, field: string) => `recipient.emailSettings.attachments[${index}].${field}`;

describe("POST future/orders/composed-email: validation with Altinn's messages", () => {
  it("accepts a PDF by a read SAS valid 15 minutes past the send time, and no attachments at all", () => {
    const result = validate(
      composedEmailRequestSchema(),
      request([{ filename: "contract.pdf", mimeType: "application/pdf", sasUrl: validSas }]),
      { now },
    );
    expect(result.ok && result.value.recipient.emailSettings.attachments).toEqual([
      { filename: "contract.pdf", mimeType: "application/pdf", sasUrl: validSas },
    ]);
    expect(errorsOf(request(undefined))).toEqual({});
  });

  it("refuses http, another host, missing SAS parameters, a SAS for a container, no read permission, a bad expiry", () => {
    const file = (sasUrl: string) => ({ filename: "a.pdf", mimeType: "application/pdf", sasUrl });
    const errors = errorsOf(
      request([
        file(validSas.replace("https:", "http:")),
        file(validSas.replace("acct.blob.core.windows.net", "example.com")),
        file(sas("sr=b&sp=r&sig=abc")),
        file(sas("se=2026-11-24T09:00:00Z&sr=c&sp=r&sig=abc")),
        file(sas("se=2026-11-24T09:00:00Z&sr=b&sp=w&sig=abc")),
        file(sas("se=tomorrow&sr=b&sp=r&sig=abc")),
        file("not a url"),
      ]),
    );
    expect(errors).toEqual({
      [at(0, "sasUrl")]: ["Attachment 'a.pdf': sasUrl must be an absolute HTTPS URI."],
      [at(1, "sasUrl")]: [
        "Attachment 'a.pdf': sasUrl host must be within Azure Blob Storage (*.blob.core.windows.net).",
      ],
      [at(2, "sasUrl")]: ["Attachment 'a.pdf': sasUrl is missing required SAS parameters (se, sig, sp, sr)."],
      [at(3, "sasUrl")]: ["Attachment 'a.pdf': sasUrl is missing required SAS parameters (se, sig, sp, sr)."],
      [at(4, "sasUrl")]: [
        "Attachment 'a.pdf': sasUrl does not grant read permission ('r' must be present in 'sp').",
      ],
      [at(5, "sasUrl")]: ["Attachment 'a.pdf': sasUrl has an invalid 'se' (signed expiry) value."],
      [at(6, "sasUrl")]: ["Attachment 'a.pdf': sasUrl must be an absolute HTTPS URI."],
    });
  });

  it("refuses a SAS that expires within 15 minutes of the send time", () => {
    const soon = sas("se=2026-11-30T09:14:59Z&sr=b&sp=r&sig=abc");
    const errors = errorsOf(
      request([{ filename: "a.pdf", mimeType: "application/pdf", sasUrl: soon }], {
        requestedSendTime: "2026-11-30T09:00:00Z",
      }),
    );
    expect(errors).toEqual({
      "recipient.emailSettings.attachments[0]": [
        "Attachment 'a.pdf': sasUrl must be valid for at least 15 minutes after requestedSendTime.",
      ],
    });
  });

  it("checks file names and MIME types, and refuses a null item", () => {
    const errors = errorsOf(
      request([
        { filename: "", mimeType: "", sasUrl: validSas },
        { filename: "../etc/passwd", mimeType: "application/x-msdownload", sasUrl: validSas },
        { filename: "noextension", mimeType: "APPLICATION/PDF" },
        null,
      ]),
    );
    expect(errors).toEqual({
      [at(0, "filename")]: ["Attachment filename must not be empty."],
      [at(0, "mimeType")]: ["Attachment '': mimeType must not be empty."],
      [at(1, "filename")]: [
        "Attachment '../etc/passwd': filename must not contain path separators, and must include a file extension.",
      ],
      [at(1, "mimeType")]: [
        "Attachment '../etc/passwd': mimeType is not supported. Refer to ACS documentation for the list of accepted MIME types.",
      ],
      [at(2, "filename")]: [
        "Attachment 'noextension': filename must not contain path separators, and must include a file extension.",
      ],
      [at(2, "sasUrl")]: ["Attachment 'noextension': sasUrl must not be null."],
      "recipient.emailSettings.attachments[3]": ["Attachment item must not be null."],
    });
  });

  it("requires the recipient, its settings and a valid address", () => {
    expect(errorsOf({ idempotencyId: "x" })).toEqual({
      recipient: ["Recipient email object cannot be null."],
    });
    expect(errorsOf({ idempotencyId: "x", recipient: { emailAddress: "nope" } })).toEqual({
      "recipient.emailAddress": ["Invalid email address format."],
      "recipient.emailSettings": ["Recipient email settings cannot be null."],
    });
  });

  it("takes the local Azurite endpoint in local mode only", () => {
    const local =
      "http://127.0.0.1:10000/devstoreaccount1/files/a.pdf?se=2026-11-24T09:00:00Z&sr=b&sp=r&sig=abc";
    const body = request([{ filename: "a.pdf", mimeType: "application/pdf", sasUrl: local }]);
    expect(errorsOf(body, { localBlobEndpoint: "http://127.0.0.1:10000/devstoreaccount1" })).toEqual({});
    expect(errorsOf(body)).toEqual({
      [at(0, "sasUrl")]: ["Attachment 'a.pdf': sasUrl must be an absolute HTTPS URI."],
    });
  });
});
