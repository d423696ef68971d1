import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";
import { localBlobAccount } from "./localBlobStorage";

/**
 * `npm run blob:upload -- FILE [HOURS]`: puts a file on the local blob storage of a running `npm start`
 * (container `attachments`) and prints a read SAS URL valid for HOURS (default 24), ready for the `sasUrl`
 * of a composed email's attachment. Local development only: it signs with Azurite's well-known key.
 */
async function main(): Promise<void> {
  const [file, hoursText = "24"] = process.argv.slice(2);
  const hours = Number(hoursText);
  if (!file || !(hours > 0)) throw new Error("usage: npm run blob:upload -- FILE [HOURS]");
  const endpoint =
    process.env["LOCAL_BLOB_ENDPOINT"] ??
    `http://127.0.0.1:${process.env["LOCAL_BLOB_PORT"] || 10000}/${localBlobAccount.name}`;
  const credential = new StorageSharedKeyCredential(localBlobAccount.name, localBlobAccount.key);
  const container = new BlobServiceClient(endpoint, credential).getContainerClient("attachments");
  await container.createIfNotExists();
  const name = basename(file);
  const blob = container.getBlockBlobClient(name);
  await blob.uploadData(await readFile(file));
  const sas = generateBlobSASQueryParameters(
    {
      containerName: "attachments",
      blobName: name,
      permissions: BlobSASPermissions.parse("r"),
      expiresOn: new Date(Date.now() + hours * 3600_000),
    },
    credential,
  );
  process.stdout.write(`${blob.url}?${sas.toString()}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
