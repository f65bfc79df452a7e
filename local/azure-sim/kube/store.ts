/**
 * The API server's storage for one cluster: objects with a cluster-wide resourceVersion, uid and creationTimestamp set
 * once at creation (stable across reads), and a watch bus that replays recent events to watchers that start from a
 * list's resourceVersion.
 */
import { randomUUID } from "node:crypto";
import { objectKey, type KubeClusterData, type KubeObject } from "./model.js";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface WatchEvent {
  type: WatchEventType;
  storeKey: string;
  object: KubeObject;
  resourceVersion: number;
}

type Watcher = (event: WatchEvent) => void;

/** Events kept for watchers that resume from a recent resourceVersion. */
const historyLength = 500;

export class KubeStore {
  private readonly watchers = new Set<Watcher>();
  private readonly history: WatchEvent[] = [];

  constructor(
    readonly data: KubeClusterData,
    private readonly onChange: () => void,
  ) {}

  private bump(): string {
    this.data.resourceVersion += 1;
    return String(this.data.resourceVersion);
  }

  private emit(type: WatchEventType, storeKey: string, object: KubeObject): void {
    const event = { type, storeKey, object: structuredClone(object), resourceVersion: this.data.resourceVersion };
    this.history.push(event);
    if (this.history.length > historyLength) this.history.shift();
    for (const watcher of this.watchers) watcher(event);
    this.onChange();
  }

  bucket(storeKey: string): Record<string, KubeObject> {
    return (this.data.objects[storeKey] ??= {});
  }

  list(storeKey: string, namespace: string | null = null): KubeObject[] {
    return Object.values(this.bucket(storeKey))
      .filter((object) => namespace === null || object.metadata.namespace === namespace)
      .sort((a, b) =>
        objectKey(a.metadata.namespace, a.metadata.name).localeCompare(
          objectKey(b.metadata.namespace, b.metadata.name),
        ),
      );
  }

  get(storeKey: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.bucket(storeKey)[objectKey(namespace, name)];
  }

  /** Stores a new object: server-set metadata fields are filled in and what the client sent for them is ignored. */
  create(storeKey: string, object: KubeObject, createdAt = new Date()): KubeObject {
    const stored: KubeObject = {
      ...object,
      metadata: {
        ...object.metadata,
        uid: randomUUID(),
        resourceVersion: this.bump(),
        creationTimestamp: new Date(Math.floor(createdAt.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z"),
      },
    };
    this.bucket(storeKey)[objectKey(stored.metadata.namespace, stored.metadata.name)] = stored;
    this.emit("ADDED", storeKey, stored);
    return stored;
  }

  /** Replaces an object's content, keeping its identity (uid, creationTimestamp) and bumping resourceVersion. */
  update(storeKey: string, object: KubeObject): KubeObject {
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    const existing = this.bucket(storeKey)[key];
    if (existing === undefined) throw new Error(`update of missing ${storeKey} ${key}`);
    const stored: KubeObject = {
      ...object,
      metadata: {
        ...object.metadata,
        uid: existing.metadata.uid,
        creationTimestamp: existing.metadata.creationTimestamp,
        resourceVersion: this.bump(),
      },
    };
    this.bucket(storeKey)[key] = stored;
    this.emit("MODIFIED", storeKey, stored);
    return stored;
  }

  remove(storeKey: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = objectKey(namespace, name);
    const existing = this.bucket(storeKey)[key];
    if (existing === undefined) return undefined;
    delete this.bucket(storeKey)[key];
    const gone = { ...existing, metadata: { ...existing.metadata, resourceVersion: this.bump() } };
    this.emit("DELETED", storeKey, gone);
    return gone;
  }

  /** Subscribes to events after `since` (replayed from history when it still holds them). */
  watch(since: number | null, watcher: Watcher): () => void {
    if (since !== null) for (const event of this.history) if (event.resourceVersion > since) watcher(event);
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  closeWatchers(): void {
    this.watchers.clear();
  }
}
