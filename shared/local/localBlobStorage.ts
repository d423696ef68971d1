import { mkdirSync } from "node:fs";
import { join } from "node:path";
import BlobConfiguration from "azurite/dist/src/blob/BlobConfiguration";
import BlobServer from "azurite/dist/src/blob/BlobServer";

/** Azurite's well-known development account and key (public, the same on every machine). */
export const localBlobAccount = {
  name: "devstoreaccount1",
  key: "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
} as const;

interface LocalBlobStorage {
  /** `http://127.0.0.1:<port>/devstoreaccount1`: blob URLs (and their SAS) start with it. */
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Azure Blob Storage on this machine (Azurite's blob service, in this process): where composed-email
 * attachments live locally. It checks SAS signatures as Azure does, so a local SAS URL is signed with the
 * account key above (`npm run blob:upload -- FILE` prints one; any Storage SDK works with `UseDevelopmentStorage=true`). Kept in
 * `dataDir/azurite` when the service persists, in memory otherwise.
 */
export async function startLocalBlobStorage(port: number, dataDir?: string): Promise<LocalBlobStorage> {
  const folder = dataDir ? join(dataDir, "azurite") : undefined;
  if (folder) mkdirSync(folder, { recursive: true });
  const configuration = new BlobConfiguration(
    "127.0.0.1",
    port,
    undefined,
    folder ? join(folder, "__azurite_db_blob__.json") : ":memory:",
    folder ? join(folder, "__azurite_db_blob_extent__.json") : ":memory:",
    folder ? [{ locationId: "Default", locationPath: join(folder, "blobs"), maxConcurrency: 1 }] : [],
    false,
    undefined,
    false,
    undefined,
    false,
    // Any SDK version a developer has installed, including ones newer than this Azurite.
    true,
    "",
    "",
    "",
    undefined,
    false,
    folder === undefined,
  );
  const server = new BlobServer(configuration);
  await server.start();
  return {
    endpoint: `${server.getHttpServerAddress()}/${localBlobAccount.name}`,
    close: () => server.close(),
  };
}
