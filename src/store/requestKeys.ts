/**
 * Remembered answers to POSTs sent with `Idempotency-Key` or `Repeatability-Request-ID`: a replay of the same key and
 * body gets the first 202 back without anything being started, the same key with another body a 422. Keys are scoped
 * to the caller (one caller cannot replay or probe another's) and kept for a day.
 */
import { createHash } from "node:crypto";
import { appTable, type AppTable } from "../azure/tables.js";

export const keyRetentionMs = 24 * 60 * 60 * 1_000;

export interface RememberedResponse {
  bodyHash: string;
  status: number;
  body: string;
  headers: Record<string, string>;
  firstSeen: string;
}

const hash = (text: string) => createHash("sha256").update(text).digest("hex");

export class RequestKeys {
  constructor(private readonly table: AppTable = appTable("RequestKeys")) {}

  private keys(caller: string, header: string, key: string) {
    // Hashes: table keys may not hold '/', '#', '?' or control characters, and callers choose these strings.
    return { partitionKey: hash(caller).slice(0, 32), rowKey: hash(`${header}\n${key}`) };
  }

  async find(caller: string, header: string, key: string, now: Date): Promise<RememberedResponse | null> {
    const { partitionKey, rowKey } = this.keys(caller, header, key);
    const row = await this.table.get(partitionKey, rowKey);
    if (row === null) return null;
    const remembered = JSON.parse(String(row.response)) as RememberedResponse;
    return now.getTime() - Date.parse(remembered.firstSeen) > keyRetentionMs ? null : remembered;
  }

  /** Stores the first answer; when another request with the key got there first, returns that one instead. */
  async remember(
    caller: string,
    header: string,
    key: string,
    response: RememberedResponse,
  ): Promise<RememberedResponse> {
    const { partitionKey, rowKey } = this.keys(caller, header, key);
    const entity = { partitionKey, rowKey, response: JSON.stringify(response) };
    if (await this.table.insert(entity)) return response;
    const existing = await this.table.get(partitionKey, rowKey);
    const remembered = existing === null ? null : (JSON.parse(String(existing.response)) as RememberedResponse);
    if (remembered === null || Date.parse(response.firstSeen) - Date.parse(remembered.firstSeen) > keyRetentionMs) {
      await this.table.upsert(entity);
      return response;
    }
    return remembered;
  }
}

export function bodyHashOf(raw: string): string {
  return hash(raw);
}

let shared: RequestKeys | undefined;
export function requestKeys(): RequestKeys {
  shared ??= new RequestKeys();
  return shared;
}
