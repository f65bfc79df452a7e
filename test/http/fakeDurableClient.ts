/**
 * An in-memory stand-in for durable-functions' DurableClient, with the behaviours the handlers depend on: getStatus
 * answers 404 as the real client does (an Error whose message says HTTP 404), and startNew refuses an id whose
 * instance is still active, as the Durable extension does.
 */
import type { DurableClient, DurableOrchestrationStatus } from "durable-functions";

export interface FakeInstance {
  instanceId: string;
  name: string;
  runtimeStatus: string;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: Date;
  lastUpdatedTime: Date;
}

const active = new Set(["Pending", "Running", "ContinuedAsNew", "Suspended"]);

export class FakeDurableClient {
  readonly instances = new Map<string, FakeInstance>();
  readonly calls: { method: string; id?: string }[] = [];
  private clock = Date.parse("2026-11-23T10:00:00Z");
  /** When set, the next startNew for this id fails as if a concurrent request had started it first. */
  raceOn: string | null = null;
  /** What the racing request started: by default the same orchestration and input as the refused start. */
  racer: { name: string; input: unknown } | null = null;

  private tick(): Date {
    this.clock += 1_000;
    return new Date(this.clock);
  }

  put(instance: Partial<FakeInstance> & { instanceId: string }): FakeInstance {
    const now = this.tick();
    const full: FakeInstance = {
      name: "provisionCluster",
      runtimeStatus: "Running",
      input: null,
      customStatus: null,
      output: null,
      createdTime: now,
      lastUpdatedTime: now,
      ...instance,
    };
    this.instances.set(full.instanceId, full);
    return full;
  }

  private status(instance: FakeInstance): DurableOrchestrationStatus {
    return { ...instance } as unknown as DurableOrchestrationStatus;
  }

  getStatus = (id: string): Promise<DurableOrchestrationStatus> => {
    this.calls.push({ method: "getStatus", id });
    const instance = this.instances.get(id);
    if (instance === undefined) {
      return Promise.reject(new Error(`The operation failed with an unexpected status code: HTTP 404`));
    }
    return Promise.resolve(this.status(instance));
  };

  getStatusAll = (): Promise<DurableOrchestrationStatus[]> => {
    this.calls.push({ method: "getStatusAll" });
    return Promise.resolve([...this.instances.values()].map((instance) => this.status(instance)));
  };

  startNew = (name: string, options: { instanceId: string; input?: unknown }): Promise<string> => {
    this.calls.push({ method: "startNew", id: options.instanceId });
    const existing = this.instances.get(options.instanceId);
    if (this.raceOn === options.instanceId) {
      this.raceOn = null;
      const racer = this.racer ?? { name, input: options.input };
      this.put({ instanceId: options.instanceId, ...racer, runtimeStatus: "Running" });
      return Promise.reject(new Error("An Orchestration instance with the status Running already exists."));
    }
    if (existing !== undefined && active.has(existing.runtimeStatus)) {
      return Promise.reject(
        new Error(`An Orchestration instance with the status ${existing.runtimeStatus} already exists.`),
      );
    }
    this.put({ instanceId: options.instanceId, name, input: options.input ?? null, runtimeStatus: "Pending" });
    return Promise.resolve(options.instanceId);
  };

  terminate = (id: string): Promise<void> => {
    this.calls.push({ method: "terminate", id });
    const instance = this.instances.get(id);
    if (instance !== undefined) instance.runtimeStatus = "Terminated";
    return Promise.resolve();
  };

  purgeInstanceHistory = (id: string): Promise<unknown> => {
    this.calls.push({ method: "purgeInstanceHistory", id });
    this.instances.delete(id);
    return Promise.resolve({ instancesDeleted: 1 });
  };

  asClient(): DurableClient {
    return this as unknown as DurableClient;
  }
}
