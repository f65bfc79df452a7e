/**
 * A run's outward signals, from inside the orchestration: each state change goes to the run index and the audit log
 * (recordRunState), and terminal states (each step too, when asked) go out as CloudEvents to the caller's webhook
 * and/or the Event Grid topic. Deliveries retry durably with backoff; a delivery that fails never fails the run.
 */
import type * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import type { EventDelivery, RunError, StepState } from "../domain/progress.js";
import { runKeyOf, type RunMeta } from "../domain/runMeta.js";
import type { ClusterStatus, StatusSummary } from "../domain/statusDocument.js";
import type { ChangeSummary } from "../domain/statusSchemas.js";
import { cloudEvent, type EventData, type EventKind } from "../events/cloudEvent.js";
import { backoffPolicy, schedule, settleEach, type Scheduled } from "./activityCalls.js";
import type { Step } from "./runtime.js";

const retry = (firstSeconds: number, attempts: number) => backoffPolicy(firstSeconds, attempts, 5 * 60_000);
// Each delivery is one plain attempt (it may run beside the index write), then these retries after a fault, waiting
// 2 s, 2 s, 4 s, 8 s…: 9 tries over ~4 minutes for a terminal event, 3 for a step event, which holds up the run while
// it is tried.
const terminalRetry = retry(2, 8);
const stepRetry = retry(2, 2);

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

  /**
   * Records a state change in the index and audit log; a terminal one (`kind`) is also sent as an event, with `extra`
   * in its data (a cancel's abort outcome).
   */
  *state(
    status: ClusterStatus,
    action: string,
    kind: EventKind | null,
    error: RunError | null = null,
    extra: Pick<EventData, "abort"> = {},
  ): Step<void> {
    const summary = this.summary(status);
    const recording = schedule(this.context, "recordRunState", { summary, action, actor: this.run.actor });
    // The event goes out beside the index write, not after it: a pipeline waiting for it waits one activity less.
    const changes = this.run.changes === undefined ? {} : { changes: this.run.changes };
    const sends = kind === null ? [] : this.schedule(kind, { ...summary, error, ...changes, ...extra }, terminalRetry);
    yield* settleEach(this.context, [recording.task, ...sends.map((send) => send.scheduled.task)]);
    // Index and audit failures are retried; if they still fail, the run goes on (the index catches up at the run's
    // next change, the status document is always right).
    yield* recording.result();
    yield* this.record(sends);
  }

  /** A change run that succeeded: what changed, after its succeeded event, to every target. */
  *changed(changed: ChangeSummary[]): Step<void> {
    const changes = changed.map((change) => change.code);
    yield* this.send("changed", { ...this.summary("Succeeded"), error: null, changes, changed }, terminalRetry);
  }

  /** Step events for every step that reached a final state since the last call (only when the caller asked). */
  *steps(steps: StepState[]): Step<void> {
    const changed = steps.filter((step) => terminalSteps.has(step.status) && this.seen.get(step.name) !== step.status);
    for (const step of changed) this.seen.set(step.name, step.status);
    if (this.run.meta.events.webhook?.steps !== true) return;
    for (const step of changed) {
      const data: EventData = {
        ...this.summary("Running"),
        error: null,
        step: { name: step.name, status: step.status, detail: step.detail },
      };
      yield* this.send("step", data, stepRetry, false);
    }
  }

  /** Step and terminal events alike: every target's delivery scheduled at once, each with its own retries. */
  private *send(kind: EventKind, data: EventData, policy: df.RetryOptions, toEventGrid = true): Step<void> {
    const sends = this.schedule(kind, data, policy, toEventGrid);
    yield* settleEach(
      this.context,
      sends.map((send) => send.scheduled.task),
    );
    yield* this.record(sends);
  }

  private schedule(kind: EventKind, data: EventData, policy: df.RetryOptions, toEventGrid = true): Send[] {
    const event = cloudEvent(kind, runKeyOf(this.run.meta.acceptedAt), data, this.context.df.currentUtcDateTime);
    const { webhook, eventGrid } = this.run.meta.events;
    const sends: Send[] = [];
    if (webhook !== null) {
      const secretRef =
        webhook.signed && this.run.meta.secretRunKey !== null
          ? { clusterId: this.run.meta.clusterId, runKey: this.run.meta.secretRunKey }
          : null;
      sends.push({
        scheduled: schedule(this.context, "deliverEvent", { event, url: webhook.url, secretRef }, policy),
        type: event.type,
        target: "webhook",
        always: kind !== "step",
      });
    }
    if (eventGrid && toEventGrid)
      sends.push({
        scheduled: schedule(this.context, "publishEvent", { event }, policy),
        type: event.type,
        target: "eventGrid",
        always: true,
      });
    return sends;
  }

  /** Reads each settled delivery (retrying a faulted one) into the run's delivery list. */
  private *record(sends: Send[]): Step<void> {
    for (const send of sends) {
      const result = yield* send.scheduled.result();
      // Every retry used up: at-least-once ends here, and the status document says so.
      const delivery: EventDelivery = result.ok
        ? result.value
        : { type: send.type, target: send.target, outcome: "failed", httpStatus: null, detail: result.error.message };
      // Terminal events are always listed; step events only when they did not arrive, to keep the document small.
      if (send.always || delivery.outcome !== "delivered") this.deliveries.push(delivery);
    }
  }
}

interface Send {
  scheduled: Scheduled<EventDelivery>;
  type: string;
  target: EventDelivery["target"];
  always: boolean;
}
