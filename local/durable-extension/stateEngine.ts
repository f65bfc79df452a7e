/**
 * A state folder belongs to the Durable engine that wrote it: both keep a task hub of the same name in Azurite
 * (`<hub>Instances`, `<hub>History`) but in different layouts, so one must never resume the other's runs. The engine is
 * recorded in the folder; a folder with data but no record was written by the local engine, the only one before.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DurableEngineKind } from "../host/index.js";

export class EngineMismatchError extends Error {}

const recordName = "durable-engine";

export function claimStateFolder(dataDir: string, engine: DurableEngineKind): void {
  const record = join(dataDir, recordName);
  const owner: DurableEngineKind | null = existsSync(record)
    ? (readFileSync(record, "utf8").trim() as DurableEngineKind)
    : existsSync(dataDir) && readdirSync(dataDir).some((file) => file.startsWith("__azurite"))
      ? "local"
      : null;
  if (owner !== null && owner !== engine)
    throw new EngineMismatchError(
      `the state folder ${dataDir} holds runs of the ${owner} Durable engine, which the ${engine} engine cannot ` +
        `resume: start with DURABLE_ENGINE=${owner}, or point LOCAL_DATA_DIR at another folder`,
    );
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(record, `${engine}\n`);
}
