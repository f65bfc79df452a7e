/**
 * A run's outward signals, from inside the orchestration: each state change goes to the run index and the audit log
 * (recordRunState), and terminal states go out as CloudEvents to the caller's webhook and/or the Event Grid topic;
 * each step too, when asked, off the run's critical path (stepEvents.ts). Deliveries retry durably with backoff; a
 * delivery that fails never fails the run, and a step event's never slows it.
 */
import type * as df from "durable-functions";
import type { OrchestrationContext, Task } from "durable-functions";
import type { EventDelivery, RunError, StepState } from "../domain/progress.js";
import { runKeyOf, type RunMeta } from "../domain/runMeta.js";
import type { ClusterStatus, StatusSummary } from "../domain/statusDocument.js";
import { cloudEvent, type EventData, type EventKind } from "../events/cloudEvent.js";
import { backoffPolicy, schedule, settleEach, type Scheduled } from "./activityCalls.js";
import type { Step } from "./runtime.js";
import { settledStepDeliveries, startStepEvents } from "./stepEvents.js";

// Each terminal delivery is one plain attempt (it may run beside the index write), then these retries after a fault,
// waiting 2 s, 2 s, 4 s, 8 s…: 9 tries over ~4 minutes. The run ends only once its terminal events are settled.
const terminalRetry = backoffPolicy(2, 8, 5 * 60_000);

/** Who the run is for and what the index shows, fixed when the run starts. */
export interface RunIdentity {
  meta: RunMeta;
  /** The run's index ordering time: the provisioning run's acceptance (a teardown keeps its run's). */
  createdAt: string;
  subscriptionId: string;
  resourceGroup: string;
  clusterName: string;
  /** Who asked for this run (provision, cancel or delete): the actor in audit lines. */
  actor: string;
  /** A change run of a built cluster: its change codes, carried by its terminal event. */
  changes?: string[];
}

const terminalSteps = new Set(["succeeded", "failed", "skipped", "canceled"]);

export class RunEvents {
  readonly deliveries: EventDelivery[] = [];
  private readonly seen = new Map<string, string>();
  /** Step-event batches started and not yet read, with their event counts. */
  private stepBatches: { task: Task; events: number }[] = [];

  constructor(
    private readonly context: OrchestrationContext,
    private readonly run: RunIdentity,
  ) {}

  private summary(status: ClusterStatus): StatusSummary {
    return {
      id: this.run.meta.clusterId,
      status,
      subscriptionId: this.run.subscriptionId,
      resourceGroup: this.run.resourceGroup,
      clusterName: this.run.clusterName,
      requestedBy: this.run.meta.requestedBy,
      createdAt: this.run.createdAt,
      updatedAt: this.context.df.currentUtcDateTime.toISOString(),
    };
  }

  /** Records a state change in the index and audit log; a terminal one (`kind`) is also sent as an event. */
  *state(status: ClusterStatus, action: string, kind: EventKind | null, error: RunError | null = null): Step<void> {
    const summary = this.summary(status);
    const recording = schedule(this.context, "recordRunState", { summary, action, actor: this.run.actor });
    // The event goes out beside the index write, not after it: a pipeline waiting for it waits one activity less.
    const changes = this.run.changes === undefined ? {} : { changes: this.run.changes };
    const sends = kind === null ? [] : this.schedule(kind, { ...summary, error, ...changes }, terminalRetry);
    yield* settleEach(this.context, [recording.task, ...sends.map((send) => send.scheduled.task)]);
    // Index and audit failures are retried; if they still fail, the run goes on (the index catches up at the run's
    // next change, the status document is always right).
    yield* recording.result();
    // Step batches that have finished by now say which step events did not arrive; one still retrying is not waited
    // for (its events keep their ids, so a late one is still recognisable).
    if (kind !== null) this.readStepBatches();
    yield* this.record(sends);
  }

  private readStepBatches(): void {
    for (const batch of this.stepBatches) this.deliveries.push(...settledStepDeliveries(batch.task, batch.events));
    this.stepBatches = [];
  }

  /** Step events for every step that reached a final state since the last call (only when the caller asked). */
  *steps(steps: StepState[]): Step<void> {
    const changed = steps.filter((step) => terminalSteps.has(step.status) && this.seen.get(step.name) !== step.status);
    for (const step of changed) this.seen.set(step.name, step.status);
    const webhook = this.run.meta.events.webhook;
    if (webhook?.steps !== true || changed.length === 0) return;
    const events = changed.map((step) =>
      this.event("step", {
        ...this.summary("Running"),
        error: null,
        step: { name: step.name, status: step.status, detail: step.detail },
      }),
    );
    const task = yield* startStepEvents(this.context, { url: webhook.url, secretRef: this.secretRef(), events });
    this.stepBatches.push({ task, events: events.length });
  }

  private event(kind: EventKind, data: EventData) {
    return cloudEvent(kind, runKeyOf(this.run.meta.acceptedAt), data, this.context.df.currentUtcDateTime);
  }

  private secretRef() {
    const { webhook } = this.run.meta.events;
    return webhook?.signed === true && this.run.meta.secretRunKey !== null
      ? { clusterId: this.run.meta.clusterId, runKey: this.run.meta.secretRunKey }
      : null;
  }

  /** A terminal event: every target's delivery scheduled at once, each with its own retries. */
  private schedule(kind: EventKind, data: EventData, policy: df.RetryOptions): Send[] {
    const event = this.event(kind, data);
    const { webhook, eventGrid } = this.run.meta.events;
    const secretRef = this.secretRef();
    const sends: Send[] = [];
    if (webhook !== null) {
      sends.push({
        scheduled: schedule(this.context, "deliverEvent", { event, url: webhook.url, secretRef }, policy),
        type: event.type,
        target: "webhook",
      });
    }
    if (eventGrid)
      sends.push({
        scheduled: schedule(this.context, "publishEvent", { event }, policy),
        type: event.type,
        target: "eventGrid",
      });
    return sends;
  }

  /** Reads each settled delivery (retrying a faulted one) into the run's delivery list: terminal events always. */
  private *record(sends: Send[]): Step<void> {
    for (const send of sends) {
      const result = yield* send.scheduled.result();
      // Every retry used up: at-least-once ends here, and the status document says so.
      this.deliveries.push(
        result.ok
          ? result.value
          : { type: send.type, target: send.target, outcome: "failed", httpStatus: null, detail: result.error.message },
      );
    }
  }
}

interface Send {
  scheduled: Scheduled<EventDelivery>;
  type: string;
  target: EventDelivery["target"];
}
