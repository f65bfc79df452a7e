/**
 * Where orchestration state lives: instances, their history (append-only, as the Durable extension keeps it) and an
 * inbox of events not yet processed. In memory for unit tests; Azure Tables (Azurite locally) to survive restarts.
 */
import { createHash } from "node:crypto";
import { TableClient, type TableEntity } from "@azure/data-tables";
import { BlobContainer, parseConnectionString } from "./blobStore.js";

export interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  Input?: string | null;
  Result?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  Reason?: string;
  Details?: string;
  InstanceId?: string;
  Version?: string;
  /** The execution that scheduled the work this event completes (or, on ExecutionStarted, that it starts): events of
   * an older execution (continueAsNew, or an id reused after termination) are dropped, as DTFx does. */
  ExecutionId?: string;
  /** The inbox entry this event was delivered as, so a re-read inbox after a crash does not record it twice. */
  InboxKey?: string;
}

export interface InstanceRecord {
  instanceId: string;
  name: string;
  executionId: string;
  /** JSON text, "null" when absent. */
  input: string;
  runtimeStatus: "Pending" | "Running" | "Completed" | "Failed" | "Terminated" | "Suspended" | "ContinuedAsNew";
  createdTime: string;
  lastUpdatedTime: string;
  customStatus: string | null;
  output: string | null;
  parentInstanceId: string | null;
  parentTaskId: number | null;
  /** The parent's execution when this sub-orchestration was scheduled (absent for a top-level instance). */
  parentExecutionId?: string | null;
}

export interface InstanceStore {
  init(): Promise<void>;
  listInstances(): Promise<InstanceRecord[]>;
  getInstance(instanceId: string): Promise<InstanceRecord | undefined>;
  saveInstance(record: InstanceRecord): Promise<void>;
  deleteInstance(instanceId: string): Promise<void>;
  getHistory(instanceId: string): Promise<HistoryEvent[]>;
  /** Appends `events` at positions `from`, `from+1`, … */
  appendHistory(instanceId: string, from: number, events: HistoryEvent[]): Promise<void>;
  clearHistory(instanceId: string): Promise<void>;
  addInbox(instanceId: string, key: string, event: HistoryEvent): Promise<void>;
  getInbox(instanceId: string): Promise<{ key: string; event: HistoryEvent }[]>;
  removeInbox(instanceId: string, keys: string[]): Promise<void>;
}

export class MemoryStore implements InstanceStore {
  private readonly instances = new Map<string, InstanceRecord>();
  private readonly histories = new Map<string, HistoryEvent[]>();
  private readonly inboxes = new Map<string, Map<string, HistoryEvent>>();

  async init(): Promise<void> {}
  async listInstances(): Promise<InstanceRecord[]> {
    return [...this.instances.values()].map((record) => ({ ...record }));
  }
  async getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    const record = this.instances.get(instanceId);
    return record === undefined ? undefined : { ...record };
  }
  async saveInstance(record: InstanceRecord): Promise<void> {
    this.instances.set(record.instanceId, { ...record });
  }
  async deleteInstance(instanceId: string): Promise<void> {
    this.instances.delete(instanceId);
    this.histories.delete(instanceId);
    this.inboxes.delete(instanceId);
  }
  async getHistory(instanceId: string): Promise<HistoryEvent[]> {
    return [...(this.histories.get(instanceId) ?? [])];
  }
  async appendHistory(instanceId: string, from: number, events: HistoryEvent[]): Promise<void> {
    const history = this.histories.get(instanceId) ?? [];
    history.splice(from, history.length - from, ...events);
    this.histories.set(instanceId, history);
  }
  async clearHistory(instanceId: string): Promise<void> {
    this.histories.delete(instanceId);
  }
  async addInbox(instanceId: string, key: string, event: HistoryEvent): Promise<void> {
    const inbox = this.inboxes.get(instanceId) ?? new Map<string, HistoryEvent>();
    inbox.set(key, event);
    this.inboxes.set(instanceId, inbox);
  }
  async getInbox(instanceId: string): Promise<{ key: string; event: HistoryEvent }[]> {
    return [...(this.inboxes.get(instanceId) ?? new Map<string, HistoryEvent>()).entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, event]) => ({ key, event }));
  }
  async removeInbox(instanceId: string, keys: string[]): Promise<void> {
    const inbox = this.inboxes.get(instanceId);
    for (const key of keys) inbox?.delete(key);
  }
}

/** Table keys may not contain / \ # ? or control characters; instance ids may (sub-orchestration ids contain ':'). */
function key(value: string): string {
  return encodeURIComponent(value).replace(/%/g, "~");
}

const pad = (n: number) => String(n).padStart(8, "0");

/** A table string property holds 64 KiB of UTF-16 (32K characters); longer JSON goes to a blob, as the Durable
 * provider moves messages over ~45 KB to `<hub>-largemessages`. Batches also stay under the 4 MiB request limit. */
const maxInlineChars = 30_000;
const maxBatchChars = 1_000_000;

interface PayloadRow {
  json?: string;
  blob?: string;
}

/** A blob-name-safe, per-instance prefix (hex of the id; a hash when that would be too long). */
function blobPrefix(instanceId: string): string {
  const hex = Buffer.from(instanceId, "utf8").toString("hex");
  return hex.length <= 400 ? hex : createHash("sha256").update(instanceId).digest("hex");
}

/**
 * Azure Table storage: `<hub>Instances` / `<hub>History` / `<hub>Inbox` plus the `<hub>-largemessages` blob
 * container. The names echo the Durable Azure Storage provider's, but the row layout is this host's own: DTFx-based
 * tools cannot read it, and a real host must not share the hub name on the same account.
 */
export class TableStore implements InstanceStore {
  private readonly instances: TableClient;
  private readonly history: TableClient;
  private readonly inbox: TableClient;
  private readonly blobs: BlobContainer | undefined;

  constructor(connectionString: string, hubName: string) {
    const options = { allowInsecureConnection: true };
    const safeHub = hubName.replace(/[^A-Za-z0-9]/g, "");
    const account = parseConnectionString(connectionString);
    this.blobs =
      account.blobEndpoint === undefined
        ? undefined
        : new BlobContainer(account, `${safeHub.toLowerCase().slice(0, 40) || "hub"}-largemessages`);
    this.instances = TableClient.fromConnectionString(connectionString, `${safeHub}Instances`, options);
    this.history = TableClient.fromConnectionString(connectionString, `${safeHub}History`, options);
    this.inbox = TableClient.fromConnectionString(connectionString, `${safeHub}Inbox`, options);
  }

  async init(): Promise<void> {
    for (const table of [this.instances, this.history, this.inbox]) {
      try {
        await table.createTable();
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 409) throw error;
      }
    }
    await this.blobs?.create();
  }

  /** The row's payload properties: inline JSON, or a reference to the blob that holds it. */
  private async encode(instanceId: string, name: string, json: string): Promise<PayloadRow> {
    if (json.length <= maxInlineChars) return { json };
    if (this.blobs === undefined)
      throw new Error(
        `A ${json.length}-character payload needs blob storage, and the connection string has no BlobEndpoint`,
      );
    const blob = `${blobPrefix(instanceId)}/${name}`;
    await this.blobs.put(blob, json);
    return { blob };
  }

  private async decode<T>(row: PayloadRow): Promise<T> {
    if (row.json !== undefined) return JSON.parse(row.json) as T;
    if (row.blob === undefined || this.blobs === undefined) throw new Error("A stored row has neither JSON nor blob");
    return JSON.parse(await this.blobs.get(row.blob)) as T;
  }

  async listInstances(): Promise<InstanceRecord[]> {
    const records: InstanceRecord[] = [];
    for await (const entity of this.instances.listEntities<TableEntity<PayloadRow>>())
      records.push(await this.decode<InstanceRecord>(entity));
    return records;
  }

  async getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    try {
      const entity = await this.instances.getEntity<PayloadRow>(key(instanceId), "");
      return await this.decode<InstanceRecord>(entity);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async saveInstance(record: InstanceRecord): Promise<void> {
    await this.instances.upsertEntity(
      {
        partitionKey: key(record.instanceId),
        rowKey: "",
        ...(await this.encode(record.instanceId, "instance", JSON.stringify(record))),
      },
      "Replace",
    );
  }

  async deleteInstance(instanceId: string): Promise<void> {
    await this.clearHistory(instanceId);
    await this.removeInbox(
      instanceId,
      (await this.getInbox(instanceId)).map((entry) => entry.key),
    );
    try {
      await this.instances.deleteEntity(key(instanceId), "");
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
    await this.blobs?.deletePrefix(`${blobPrefix(instanceId)}/`);
  }

  async getHistory(instanceId: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    const rows = this.history.listEntities<PayloadRow>({
      queryOptions: { filter: `PartitionKey eq '${key(instanceId)}'` },
    });
    for await (const row of rows) events.push(await this.decode<HistoryEvent>(row));
    return events;
  }

  async appendHistory(instanceId: string, from: number, events: HistoryEvent[]): Promise<void> {
    const rows = await Promise.all(
      events.map(async (event, i) => ({
        partitionKey: key(instanceId),
        rowKey: pad(from + i),
        ...(await this.encode(instanceId, `history-${pad(from + i)}`, JSON.stringify(event))),
      })),
    );
    // Transactions keep an episode's events together, within the 100-entity and 4 MiB batch limits.
    let batch: typeof rows = [];
    let chars = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await this.history.submitTransaction(batch.map((row) => ["upsert", row, "Replace"]));
      batch = [];
      chars = 0;
    };
    for (const row of rows) {
      const size = (row.json ?? row.blob ?? "").length;
      if (batch.length === 100 || chars + size > maxBatchChars) await flush();
      batch.push(row);
      chars += size;
    }
    await flush();
  }

  async clearHistory(instanceId: string): Promise<void> {
    const rows = this.history.listEntities({
      queryOptions: { filter: `PartitionKey eq '${key(instanceId)}'`, select: ["rowKey"] },
    });
    for await (const row of rows)
      await this.history.deleteEntity(row.partitionKey ?? key(instanceId), row.rowKey ?? "");
  }

  async addInbox(instanceId: string, inboxKey: string, event: HistoryEvent): Promise<void> {
    await this.inbox.upsertEntity(
      {
        partitionKey: key(instanceId),
        rowKey: inboxKey,
        ...(await this.encode(instanceId, `inbox-${inboxKey}`, JSON.stringify(event))),
      },
      "Replace",
    );
  }

  async getInbox(instanceId: string): Promise<{ key: string; event: HistoryEvent }[]> {
    const entries: { key: string; event: HistoryEvent }[] = [];
    const rows = this.inbox.listEntities<PayloadRow>({
      queryOptions: { filter: `PartitionKey eq '${key(instanceId)}'` },
    });
    for await (const row of rows) entries.push({ key: row.rowKey ?? "", event: await this.decode<HistoryEvent>(row) });
    return entries.sort((a, b) => a.key.localeCompare(b.key));
  }

  async removeInbox(instanceId: string, keys: string[]): Promise<void> {
    for (const inboxKey of keys) {
      try {
        await this.inbox.deleteEntity(key(instanceId), inboxKey);
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      }
    }
  }
}
