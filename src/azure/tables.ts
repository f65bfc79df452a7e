/**
 * The app's own Azure Tables (run index, request keys, notification secrets), in the same storage account as the
 * Durable task hub: a connection string locally (Azurite), identity-based in Azure. Without any storage setting (the
 * in-memory local host, unit tests) each table is an in-process map, so the API behaves the same on one process.
 */
import { TableClient, odata, type TableEntity } from "@azure/data-tables";
import { DefaultAzureCredential } from "@azure/identity";
import { withStorageDeadlines } from "./storageDeadline.js";

export type Entity = TableEntity<Record<string, unknown>>;

export interface PageQuery {
  partitionKey: string;
  /** Equality filters on plain properties, ANDed. */
  equals: Record<string, string>;
  top: number;
  continuationToken: string | null;
}
export interface Page {
  items: Entity[];
  continuationToken: string | null;
}

/** The few operations this app needs from a table; the real one and the in-memory one behave alike. */
export interface AppTable {
  get(partitionKey: string, rowKey: string): Promise<Entity | null>;
  upsert(entity: Entity): Promise<void>;
  /** Inserts; false when an entity with these keys already exists. */
  insert(entity: Entity): Promise<boolean>;
  remove(partitionKey: string, rowKey: string): Promise<void>;
  /** One server-side page in key order; never reads past `top` matching rows. */
  page(query: PageQuery): Promise<Page>;
}

const statusOf = (error: unknown): number | undefined =>
  typeof error === "object" && error !== null ? (error as { statusCode?: number }).statusCode : undefined;

class AzureTable implements AppTable {
  private ready: Promise<void> | null = null;
  constructor(private readonly client: TableClient) {}

  private ensure(): Promise<void> {
    this.ready ??= this.client.createTable().catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  async get(partitionKey: string, rowKey: string): Promise<Entity | null> {
    await this.ensure();
    try {
      const entity = await this.client.getEntity<Record<string, unknown>>(partitionKey, rowKey);
      return { ...entity, partitionKey, rowKey };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  async upsert(entity: Entity): Promise<void> {
    await this.ensure();
    await this.client.upsertEntity(entity, "Replace");
  }

  async insert(entity: Entity): Promise<boolean> {
    await this.ensure();
    try {
      await this.client.createEntity(entity);
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  async remove(partitionKey: string, rowKey: string): Promise<void> {
    await this.ensure();
    try {
      await this.client.deleteEntity(partitionKey, rowKey);
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  async page(query: PageQuery): Promise<Page> {
    if (query.continuationToken !== null && !isTableToken(query.continuationToken)) {
      throw new InvalidContinuationToken();
    }
    await this.ensure();
    const clauses = [odata`PartitionKey eq ${query.partitionKey}`];
    for (const [field, value] of Object.entries(query.equals)) {
      // Field names come from this app's code, never from a request; values are OData string literals ('' escapes ').
      clauses.push(`${field} eq '${value.replace(/'/g, "''")}'`);
    }
    const pages = this.client
      .listEntities<Record<string, unknown>>({ queryOptions: { filter: clauses.join(" and ") } })
      .byPage({
        maxPageSize: query.top,
        ...(query.continuationToken === null ? {} : { continuationToken: query.continuationToken }),
      });
    const first = await pages.next();
    if (first.done === true) return { items: [], continuationToken: null };
    const items = first.value.map((entity) => ({
      ...entity,
      partitionKey: entity.partitionKey ?? query.partitionKey,
      rowKey: entity.rowKey ?? "",
    }));
    return { items, continuationToken: first.value.continuationToken ?? null };
  }
}

class MemoryTable implements AppTable {
  private readonly rows = new Map<string, Entity>();
  private key = (partitionKey: string, rowKey: string) => `${partitionKey}\u0000${rowKey}`;

  get(partitionKey: string, rowKey: string): Promise<Entity | null> {
    const row = this.rows.get(this.key(partitionKey, rowKey));
    return Promise.resolve(row === undefined ? null : { ...row });
  }
  upsert(entity: Entity): Promise<void> {
    this.rows.set(this.key(entity.partitionKey, entity.rowKey), { ...entity });
    return Promise.resolve();
  }
  insert(entity: Entity): Promise<boolean> {
    const key = this.key(entity.partitionKey, entity.rowKey);
    if (this.rows.has(key)) return Promise.resolve(false);
    this.rows.set(key, { ...entity });
    return Promise.resolve(true);
  }
  remove(partitionKey: string, rowKey: string): Promise<void> {
    this.rows.delete(this.key(partitionKey, rowKey));
    return Promise.resolve();
  }
  page(query: PageQuery): Promise<Page> {
    const after = query.continuationToken === null ? "" : Buffer.from(query.continuationToken, "base64url").toString();
    const matching = [...this.rows.values()]
      .filter((row) => row.partitionKey === query.partitionKey && row.rowKey > after)
      .filter((row) => Object.entries(query.equals).every(([field, value]) => row[field] === value))
      .sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0));
    const items = matching.slice(0, query.top).map((row) => ({ ...row }));
    const last = items.at(-1);
    return Promise.resolve({
      items,
      continuationToken:
        matching.length > query.top && last !== undefined ? Buffer.from(last.rowKey).toString("base64url") : null,
    });
  }
}

export type TableName = "ClusterRuns" | "RequestKeys" | "NotifySecrets";

type Env = Record<string, string | undefined>;

/** How this process reaches its tables: a connection string, an identity-based endpoint, or none (in memory). */
export function tableConnection(
  env: Env = process.env,
):
  | { kind: "connectionString"; value: string }
  | { kind: "endpoint"; url: string; clientId: string | undefined }
  | { kind: "memory" } {
  const connectionString = env.AzureWebJobsStorage?.trim() ?? "";
  if (connectionString !== "") return { kind: "connectionString", value: connectionString };
  const serviceUri = env.AzureWebJobsStorage__tableServiceUri?.trim() ?? "";
  const account = env.AzureWebJobsStorage__accountName?.trim() ?? "";
  const url = serviceUri !== "" ? serviceUri : account !== "" ? `https://${account}.table.core.windows.net` : "";
  if (url !== "") return { kind: "endpoint", url, clientId: env.AzureWebJobsStorage__clientId?.trim() || undefined };
  return { kind: "memory" };
}

const tables = new Map<TableName, AppTable>();

/** The process-wide client for one table, built on first use. */
export function appTable(name: TableName, env: Env = process.env): AppTable {
  let table = tables.get(name);
  if (table === undefined) {
    const connection = tableConnection(env);
    switch (connection.kind) {
      case "connectionString":
        table = new AzureTable(
          TableClient.fromConnectionString(connection.value, name, {
            // Azurite listens on plain HTTP on loopback; the real service is always HTTPS.
            allowInsecureConnection:
              /^(DefaultEndpointsProtocol=http;|UseDevelopmentStorage=true)/i.test(connection.value) ||
              /TableEndpoint=http:\/\/127\.0\.0\.1/i.test(connection.value),
          }),
        );
        break;
      case "endpoint":
        table = new AzureTable(
          new TableClient(
            connection.url,
            name,
            new DefaultAzureCredential(
              connection.clientId === undefined ? {} : { managedIdentityClientId: connection.clientId },
            ),
          ),
        );
        break;
      case "memory":
        table = new MemoryTable();
        break;
    }
    // A storage account that hangs fails the call within a bound, which the handlers answer as 503.
    if (connection.kind !== "memory") table = withStorageDeadlines(table, `table ${name}`);
    tables.set(name, table);
  }
  return table;
}

/** A fresh in-memory table (tests). */
export function memoryTable(): AppTable {
  return new MemoryTable();
}

/** A continuation token the table service could not have issued: the caller's mistake, not a failure. */
export class InvalidContinuationToken extends Error {
  override readonly name = "InvalidContinuationToken";
  constructor() {
    super("continuation token is not one the table issued");
  }
}

/**
 * The SDK's token is base64 JSON `{nextPartitionKey, nextRowKey?}` of strings; it parses whatever it is given and
 * throws (or sends the service a bad query) on anything else, so a forged token is refused here first.
 */
function isTableToken(token: string): boolean {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return false;
    const { nextPartitionKey, nextRowKey, ...rest } = parsed as Record<string, unknown>;
    return (
      typeof nextPartitionKey === "string" &&
      nextPartitionKey !== "" &&
      (nextRowKey === undefined || typeof nextRowKey === "string") &&
      Object.keys(rest).length === 0
    );
  } catch {
    return false;
  }
}
