import { createHash, randomBytes } from "node:crypto";
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalService } from "../../shared/local/localService";
import { localBlobAccount } from "../../shared/local/localBlobStorage";
import { apiClient, localToken, startCompiledService, type ApiClient } from "../support/localService";

const tenant = "991825827";
/** Altinn's composed-email scope, and the create scope the reads need. */
const scopes =
  "altinn:serviceowner/notifications.composedemail.create altinn:serviceowner/notifications.create";
let service: LocalService;
let api: ApiClient;
let blobEndpoint: string;
const credential = new StorageSharedKeyCredential(localBlobAccount.name, localBlobAccount.key);

beforeAll(async () => {
  service = await startCompiledService();
  api = apiClient(service.host.apiUrl, await localToken(tenant, scopes));
  blobEndpoint = process.env["LOCAL_BLOB_ENDPOINT"] ?? "";
  await new BlobServiceClient(blobEndpoint, credential).getContainerClient("files").createIfNotExists();
});
afterAll(async () => {
  await service?.close();
});

/** Uploads a file to the local blob storage and returns a read SAS for it, valid for `validForMs`. */
async function upload(name: string, content: Buffer, validForMs = 60 * 60 * 1000): Promise<string> {
  const blob = new BlobServiceClient(blobEndpoint, credential)
    .getContainerClient("files")
    .getBlockBlobClient(name);
  await blob.uploadData(content);
  const sas = generateBlobSASQueryParameters(
    {
      containerName: "files",
      blobName: name,
      permissions: BlobSASPermissions.parse("r"),
      expiresOn: new Date(Date.now() + validForMs),
    },
    credential,
  );
  return `${blob.url}?${sas.toString()}`;
}

let sequence = 0;
async function order(attachments: unknown[]) {
  sequence += 1;
  const response = await api.request("POST", "/future/orders/composed-email", {
    idempotencyId: `composed-${sequence}`,
    sendersReference: `case-${sequence}`,
    recipient: {
      emailAddress: `person${sequence}@example.net`,
      emailSettings: { subject: "Your contract", body: "Attached.", attachments },
    },
  });
  return { ...response, address: `person${sequence}@example.net` };
}

async function shipmentOf(response: { body: unknown }) {
  const { notification } = response.body as { notification: { shipmentId: string } };
  await service.settle();
  return (await api.request("GET", `/future/shipment/${notification.shipmentId}`)).body as {
    type: string;
    status: string;
    recipients: Array<{ status: string }>;
  };
}

const sha256 = (content: Buffer) => createHash("sha256").update(content).digest("hex");

describe("POST future/orders/composed-email end to end, with attachments on the local blob storage", () => {
  it("reads each file when the email is sent and hands it to ACS whole", async () => {
    const pdf = randomBytes(300_000);
    const csv = Buffer.from("a;b\n1;2\n");
    const created = await order([
      { filename: "contract.pdf", mimeType: "application/pdf", sasUrl: await upload("contract.pdf", pdf) },
      { filename: "data.csv", mimeType: "text/csv", sasUrl: await upload("data.csv", csv) },
    ]);
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get("location")).toMatch(/\/future\/orders\/[0-9a-f-]{36}$/);
    expect(await shipmentOf(created)).toMatchObject({
      type: "Composed",
      status: "Order_Completed",
      recipients: [{ status: "Email_Delivered" }],
    });
    const [mail] = service.outbox.list().filter((m) => m.to === created.address);
    expect(mail?.attachments).toEqual([
      { name: "contract.pdf", contentType: "application/pdf", bytes: pdf.length, sha256: sha256(pdf) },
      { name: "data.csv", contentType: "text/csv", bytes: csv.length, sha256: sha256(csv) },
    ]);
  });

  it("fails the email as Email_Failed_InvalidSasUrl when the storage refuses the SAS, and sends nothing", async () => {
    const good = await upload("revoked.pdf", Buffer.from("%PDF-1.7"));
    const forged = good.replace(/sig=[^&]+/, "sig=Zm9yZ2Vk");
    const created = await order([{ filename: "revoked.pdf", mimeType: "application/pdf", sasUrl: forged }]);
    expect(created.status, created.text).toBe(201);
    expect(await shipmentOf(created)).toMatchObject({
      recipients: [{ status: "Email_Failed_InvalidSasUrl" }],
    });
    expect(service.outbox.list().filter((m) => m.to === created.address)).toEqual([]);
  });

  it("stops reading past 7 MiB of files and fails the email as Email_Failed_PayloadTooLarge", async () => {
    const half = Buffer.alloc(4 * 1024 * 1024, 1);
    const created = await order([
      { filename: "one.pdf", mimeType: "application/pdf", sasUrl: await upload("one.pdf", half) },
      { filename: "two.pdf", mimeType: "application/pdf", sasUrl: await upload("two.pdf", half) },
    ]);
    expect(created.status, created.text).toBe(201);
    expect(await shipmentOf(created)).toMatchObject({
      recipients: [{ status: "Email_Failed_PayloadTooLarge" }],
    });
    expect(service.outbox.list().filter((m) => m.to === created.address)).toEqual([]);
  });

  it("answers a replay with the first receipt, and keeps composed idempotency ids apart from future/orders", async () => {
    const body = {
      idempotencyId: "composed-replay",
      recipient: { emailAddress: "replay@example.net", emailSettings: { subject: "S", body: "B" } },
    };
    const first = await api.request("POST", "/future/orders/composed-email", body);
    const again = await api.request("POST", "/future/orders/composed-email", body);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual(first.body);
    const chain = await api.request(
      "GET",
      `/future/orders/${(first.body as { notificationOrderId: string }).notificationOrderId}`,
    );
    expect(chain.status).toBe(200);
    const sameIdElsewhere = await api.request("POST", "/future/orders", {
      idempotencyId: "composed-replay",
      recipient: {
        recipientEmail: { emailAddress: "other@example.net", emailSettings: { subject: "S", body: "B" } },
      },
    });
    expect(sameIdElsewhere.status).toBe(201);
  });

  it("needs Altinn's composed-email scope, and refuses a URL outside Azure Blob Storage with Altinn's message", async () => {
    const createOnly = apiClient(service.host.apiUrl, await localToken(tenant));
    const refused = await createOnly.request("POST", "/future/orders/composed-email", {});
    expect(refused.status).toBe(403);
    const invalid = await order([
      {
        filename: "a.pdf",
        mimeType: "application/pdf",
        sasUrl: "https://example.com/files/a.pdf?se=2099-01-01&sr=b&sp=r&sig=x",
      },
    ]);
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      errors: {
        "recipient.emailSettings.attachments[0].sasUrl": [
          "Attachment 'a.pdf': sasUrl host must be within Azure Blob Storage (*.blob.core.windows.net).",
        ],
      },
    });
  });
});
