import { settings } from "../config/settings";
import { azureRoot } from "./azureRoot";
import type { Dependencies, DependencySource } from "./dependencies";

let localRoot: DependencySource | undefined;
let azure: Dependencies | undefined;

/**
 * The local host hands in its own composition root before the registration files (shared by both hosts)
 * serve anything; without one they run on Azure's.
 */
export function useLocalRoot(root: DependencySource): void {
  localRoot = root;
}

/** The dependencies of this host, which the registration files give every handler; built on first use. */
export const hostServices: DependencySource = async () => {
  if (localRoot) return localRoot();
  const config = settings();
  if (config.VARSEL_MODE !== "azure") {
    throw new Error(
      "VARSEL_MODE is local but no local runtime is registered: start the service with `npm start`.",
    );
  }
  azure ??= azureRoot(config);
  return azure;
};
