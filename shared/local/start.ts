import { join } from "node:path";
import { SettingsError } from "../config/settings";
import { loadLocalSettings } from "./localSettings";
import { startLocalService } from "./localService";
import { localDataDir } from "./persistence/dataDir";
import { LocalDataError } from "./persistence/ndjsonFile";

/** `npm start`: varsel on this machine, on http://127.0.0.1:7071 (PORT overrides). */
async function main(): Promise<void> {
  const projectRoot = join(__dirname, "..", "..", "..");
  // Read here, not only in startLocalService, because LOCAL_PERSIST and LOCAL_DATA_DIR may come from it.
  loadLocalSettings(projectRoot);
  const dataDir = localDataDir(projectRoot);
  const service = await startLocalService({
    projectRoot,
    port: Number(process.env["PORT"] || 7071),
    cosmosPort: Number(process.env["LOCAL_COSMOS_PORT"] || 8081),
    blobPort: Number(process.env["LOCAL_BLOB_PORT"] || 10000),
    dataDir,
  });
  const stop = () => {
    void service.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  process.stdout.write(
    dataDir
      ? `data kept in ${dataDir} (LOCAL_PERSIST=false for memory only)\n`
      : "data kept in memory only (LOCAL_PERSIST=false); it is gone when varsel stops\n",
  );
  process.stdout.write(
    `varsel is ready on ${service.host.apiUrl} (local mode; outbox at ${service.host.apiUrl}/local/outbox)\n`,
  );
}

main().catch((error: unknown) => {
  const explained = error instanceof SettingsError || error instanceof LocalDataError;
  process.stderr.write(
    `${explained ? error.message : error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
