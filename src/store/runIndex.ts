/**
 * The cluster list's index: one Azure Table row per cluster id, written by an activity at each state change of its run,
 * so GET /api/clusters reads one page of rows instead of every orchestration instance.
 *
 * Rows live in one partition with a RowKey that sorts newest first (inverted acceptance time, then the id); a second
 * row per id points at the current ordered row, so a new run for the same cluster moves its row instead of adding one.
 */
import type { ClusterStatus, StatusSummary } from "../domain/statusDocument.js";
import { appTable, type AppTable, type Entity } from "../azure/tables.js";

const runsPartition = "runs";
const pointerPartition = "ids";
// Far enough in the future that every acceptance time inverts to a positive, fixed-width number.
const maxMillis = 9_999_999_999_999;

export interface RunFilters {
  status?: ClusterStatus;
  subscriptionId?: string;
  resourceGroup?: string;
  requestedBy?: string;
}

export interface IndexPage {
  items: StatusSummary[];
  continuationToken: string | null;
}

export function orderedRowKey(createdAt: string, id: string): string {
  const inverted = maxMillis - Date.parse(createdAt);
  return `${String(inverted).padStart(13, "0")}-${id}`;
}

export function toEntity(summary: StatusSummary): Entity {
  return {
    partitionKey: runsPartition,
    rowKey: orderedRowKey(summary.createdAt, summary.id),
    id: summary.id,
    status: summary.status,
    // Filter columns are lower-cased: Azure names are case-insensitive, table comparisons are not.
    subscriptionKey: (summary.subscriptionId ?? "").toLowerCase(),
    resourceGroupKey: (summary.resourceGroup ?? "").toLowerCase(),
    requestedBy: summary.requestedBy ?? "",
    summary: JSON.stringify(summary),
    updatedAt: summary.updatedAt,
  };
}

function fromEntity(entity: Entity): StatusSummary {
  return JSON.parse(String(entity.summary)) as StatusSummary;
}

export class RunIndex {
  constructor(private readonly table: AppTable = appTable("ClusterRuns")) {}

  /** Records a run's current state. Idempotent: an activity retried or replayed writes the same rows. */
  async record(summary: StatusSummary): Promise<void> {
    const entity = toEntity(summary);
    const pointer = await this.table.get(pointerPartition, summary.id);
    const current = await this.table.get(runsPartition, entity.rowKey);
    // At-least-once delivery may bring an older state late; a row never goes back in time.
    if (current !== null && String(current.updatedAt) > summary.updatedAt) return;
    await this.table.upsert(entity);
    await this.table.upsert({ partitionKey: pointerPartition, rowKey: summary.id, row: entity.rowKey });
    const previousRow = pointer === null ? null : String(pointer.row);
    if (previousRow !== null && previousRow !== entity.rowKey) {
      await this.table.remove(runsPartition, previousRow);
    }
  }

  /** One page, newest first, filtered on the server. */
  async list(filters: RunFilters, top: number, continuationToken: string | null): Promise<IndexPage> {
    const equals: Record<string, string> = {};
    if (filters.status !== undefined) equals.status = filters.status;
    if (filters.subscriptionId !== undefined) equals.subscriptionKey = filters.subscriptionId.toLowerCase();
    if (filters.resourceGroup !== undefined) equals.resourceGroupKey = filters.resourceGroup.toLowerCase();
    if (filters.requestedBy !== undefined) equals.requestedBy = filters.requestedBy;
    const page = await this.table.page({ partitionKey: runsPartition, equals, top, continuationToken });
    return { items: page.items.map(fromEntity), continuationToken: page.continuationToken };
  }
}

let shared: RunIndex | undefined;
export function runIndex(): RunIndex {
  shared ??= new RunIndex();
  return shared;
}
