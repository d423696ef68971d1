import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import type Account from "@vercel/cosmosdb-server/lib/account";
import { errorMessage, isRecord } from "../../narrowing";
import { AppendOnlyFile, LocalDataError, readNdjson } from "./ndjsonFile";
import {
  applyRecord,
  isJournalRecord,
  journalMutations,
  snapshotRecords,
  type JournalRecord,
} from "./cosmosJournal";

/**
 * Files in the data folder:
 *   cosmos.snapshot.ndjson      header {"snapshot":1,"generation":N}, then records that rebuild everything
 *   cosmos.journal.N.ndjson     one record per mutation since that snapshot, appended before the response
 * A start replays the snapshot and journal N, then compacts: it writes snapshot N+1 beside the old one and
 * renames it over it (atomic), and only then drops journal N and opens journal N+1. A kill at any point
 * leaves either the old snapshot with its journal or the new snapshot with an empty journal; a journal of
 * another generation is stale and ignored.
 */
const snapshotFile = "cosmos.snapshot.ndjson";
const journalFile = (generation: number) => `cosmos.journal.${generation}.ndjson`;
const journalPattern = /^cosmos\.journal\.\d+\.ndjson$/;

export interface CosmosStoreOptions {
  /** Compact while running once the journal passes this size (default 64 MiB), so it cannot grow forever. */
  compactAtBytes?: number;
  /** Told when a compaction while running fails (the journal goes on; the next start compacts). */
  log?: (line: string) => void;
}

export interface CosmosStore {
  dir: string;
  /** Journal size in bytes since the last compaction. */
  journalBytes(): number;
  close(): void;
}

interface SnapshotHeader {
  snapshot: 1;
  generation: number;
}

function isHeader(value: unknown): value is SnapshotHeader {
  return isRecord(value) && value["snapshot"] === 1 && Number.isInteger(value["generation"]);
}

function readRecords(path: string, records: unknown[]): JournalRecord[] {
  return records.map((record, index) => {
    if (!isJournalRecord(record))
      throw new LocalDataError(`${path}: record ${index + 1} is not a journal record`);
    return record;
  });
}

/** Loads the snapshot's records and generation; an absent snapshot is generation 0 with nothing in it. */
function readSnapshot(dir: string): { generation: number; records: JournalRecord[] } {
  const path = join(dir, snapshotFile);
  const { records, tornTail } = readNdjson(path);
  if (records.length === 0) return { generation: 0, records: [] };
  const [header, ...rest] = records;
  // The snapshot is renamed into place only when complete, so a torn one is damage, not a kill.
  if (!isHeader(header) || tornTail)
    throw new LocalDataError(`${path} is damaged (move it away to start empty)`);
  return { generation: header.generation, records: readRecords(path, rest) };
}

function replay(account: Account, path: string, records: JournalRecord[]): void {
  records.forEach((record, index) => {
    try {
      applyRecord(account, record);
    } catch (error) {
      throw new LocalDataError(`${path}: record ${index + 1} cannot be applied: ${errorMessage(error)}`);
    }
  });
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform can open a directory (Windows); the rename is still atomic there.
  }
}

/** Writes a complete snapshot of `account` as generation `generation` and puts it in place atomically. */
function writeSnapshot(dir: string, account: Account, generation: number): void {
  const path = join(dir, snapshotFile);
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, "w");
  try {
    const header: SnapshotHeader = { snapshot: 1, generation };
    let chunk = `${JSON.stringify(header)}\n`;
    for (const record of snapshotRecords(account)) {
      chunk += `${JSON.stringify(record)}\n`;
      if (chunk.length > 1 << 20) {
        writeFileSync(fd, chunk);
        chunk = "";
      }
    }
    writeFileSync(fd, chunk);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  fsyncDir(dir);
}

/**
 * Restores `account` (a fresh one, before it serves requests) from `dir` and journals every later mutation
 * there. Throws, naming the file, when the folder holds something it cannot read.
 */
export function openCosmosStore(
  dir: string,
  account: Account,
  options: CosmosStoreOptions = {},
): CosmosStore {
  mkdirSync(dir, { recursive: true });
  const compactAtBytes = options.compactAtBytes ?? 64 * 1024 * 1024;
  let journal: AppendOnlyFile | undefined;
  let replaying = true;
  let generation = 0;
  let compactAt = compactAtBytes;

  // Watch first, so databases and containers made by the replay get their children watched too.
  journalMutations(account, (record) => {
    if (replaying) return;
    // No silent loss: a write the journal cannot take fails its request.
    if (!journal) throw new Error(`the Cosmos journal in ${dir} is closed`);
    journal.append(record);
    if (journal.size >= compactAt) compactWhileRunning();
  });

  /** Snapshot first: if that fails, the old snapshot and journal are still complete and in use. */
  function compact(): void {
    writeSnapshot(dir, account, generation + 1);
    generation += 1;
    const previous = journal;
    journal = undefined;
    previous?.close();
    for (const name of readdirSync(dir)) {
      if (journalPattern.test(name) && name !== journalFile(generation))
        rmSync(join(dir, name), { force: true });
    }
    journal = new AppendOnlyFile(join(dir, journalFile(generation)));
    compactAt = compactAtBytes;
  }

  function compactWhileRunning(): void {
    try {
      compact();
    } catch (error) {
      // The mutation is already journaled; a failed compaction only means a longer journal for now.
      compactAt = (journal?.size ?? 0) + compactAtBytes;
      options.log?.(`compacting the Cosmos journal in ${dir} failed: ${errorMessage(error)}`);
    }
  }

  const snapshot = readSnapshot(dir);
  generation = snapshot.generation;
  replay(account, join(dir, snapshotFile), snapshot.records);
  const journalPath = join(dir, journalFile(generation));
  // A torn last line is a write that was never acknowledged: readNdjson leaves it out.
  replay(account, journalPath, readRecords(journalPath, readNdjson(journalPath).records));
  compact();
  replaying = false;

  return {
    dir,
    journalBytes: () => journal?.size ?? 0,
    close: () => {
      journal?.close();
      journal = undefined;
    },
  };
}
