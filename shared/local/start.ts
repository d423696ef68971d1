import { join } from "node:path";
import { SettingsError } from "../config/settings";
import { startLocalService } from "./localService";

/** `npm start`: varsel on this machine, on http://127.0.0.1:7071 (PORT overrides). */
async function main(): Promise<void> {
  const projectRoot = join(__dirname, "..", "..", "..");
  const service = await startLocalService({ projectRoot, port: Number(process.env["PORT"] || 7071) });
  const stop = () => {
    void service.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  process.stdout.write(
    `varsel is ready on ${service.host.apiUrl} (local mode; outbox at ${service.host.apiUrl}/local/outbox)\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof SettingsError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
