/**
 * Notification secrets, kept out of Durable history: orchestration inputs and activity inputs are stored and shown by
 * the Durable management API, so the secret is written here once when the run is accepted and read only by the
 * delivery activity, which uses it to sign and nothing else.
 */
import { appTable, type AppTable } from "../azure/tables.js";

export class NotifySecrets {
  constructor(private readonly table: AppTable = appTable("NotifySecrets")) {}

  async put(clusterId: string, runKey: string, secret: string): Promise<void> {
    await this.table.upsert({ partitionKey: clusterId, rowKey: runKey, secret });
  }

  async get(clusterId: string, runKey: string): Promise<string | null> {
    const row = await this.table.get(clusterId, runKey);
    return typeof row?.secret === "string" ? row.secret : null;
  }
}

let shared: NotifySecrets | undefined;
export function notifySecrets(): NotifySecrets {
  shared ??= new NotifySecrets();
  return shared;
}
