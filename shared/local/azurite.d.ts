/** The parts of Azurite's blob server that `localBlobStorage.ts` uses (the package ships no types). */
declare module "azurite/dist/src/blob/BlobServer" {
  import type BlobConfiguration from "azurite/dist/src/blob/BlobConfiguration";
  export default class BlobServer {
    constructor(configuration: BlobConfiguration);
    start(): Promise<void>;
    close(): Promise<void>;
    /** `http://host:port`. */
    getHttpServerAddress(): string;
  }
}

declare module "azurite/dist/src/blob/BlobConfiguration" {
  export default class BlobConfiguration {
    constructor(
      host?: string,
      port?: number,
      keepAliveTimeout?: number,
      metadataDBPath?: string,
      extentDBPath?: string,
      persistencePathArray?: Array<{ locationId: string; locationPath: string; maxConcurrency: number }>,
      enableAccessLog?: boolean,
      accessLogWriteStream?: NodeJS.WritableStream,
      enableDebugLog?: boolean,
      debugLogFilePath?: string,
      loose?: boolean,
      skipApiVersionCheck?: boolean,
      cert?: string,
      key?: string,
      pwd?: string,
      oauth?: string,
      disableProductStyleUrl?: boolean,
      isMemoryPersistence?: boolean,
    );
  }
}
