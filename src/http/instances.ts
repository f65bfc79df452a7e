import { toServiceFailure } from "../azure/serviceFailure.js";
import type { DurableClient, DurableOrchestrationStatus } from "durable-functions";
import type { ExistingRun } from "../domain/admission.js";
import {
  isActive,
  progressOf,
  previousRunOf,
  toStatusDocument,
  type InstanceSnapshot,
  type PreviousRun,
} from "../domain/statusDocument.js";
import type { RunMeta } from "../domain/runMeta.js";
import type { ProvisionInput } from "../orchestrators/provisionCluster.js";

export function toSnapshot(status: DurableOrchestrationStatus): InstanceSnapshot {
  return {
    runtimeStatus: String(status.runtimeStatus),
    createdTime: new Date(status.createdTime).toISOString(),
    lastUpdatedTime: new Date(status.lastUpdatedTime).toISOString(),
    input: status.input,
    customStatus: status.customStatus,
    output: status.output,
  };
}

/**
 * getStatus, with "no such instance" as null rather than the client's 404 error. A read is safe to repeat, so a
 * dropped connection to the Durable extension's endpoint is tried again before it becomes a 500.
 */
export async function findInstance(client: DurableClient, instanceId: string): Promise<InstanceSnapshot | null> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return toSnapshot(await client.getStatus(instanceId, { showInput: true }));
    } catch (error) {
      if (error instanceof Error && /HTTP 404/.test(error.message)) {
        return null;
      }
      if (attempt >= 3 || !toServiceFailure(error).transient) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** The input a provisioning run was started with; this API wrote it, so its shape is known. */
export function provisionInputOf(instance: InstanceSnapshot): ProvisionInput | null {
  const input = instance.input as Partial<ProvisionInput> | null | undefined;
  return input?.request === undefined || input.specHash === undefined ? null : (input as ProvisionInput);
}

/**
 * The provisioning run an instance describes: the instance's own input, or, for a teardown that replaced it, the run it
 * carries. A teardown started from here carries it on again.
 */
export function originOf(instance: InstanceSnapshot): PreviousRun | null {
  const previous = previousRunOf(instance);
  if (previous !== null) return previous;
  const input = provisionInputOf(instance);
  if (input === null) return null;
  const meta: RunMeta | null = input.meta ?? null;
  return {
    request: input.request,
    specHash: input.specHash,
    createdAt: meta?.acceptedAt ?? instance.createdTime,
    progress: progressOf(instance),
    meta,
  };
}

/** An instance as admission sees it (domain/admission.ts): one reading of its input and state. */
export function existingRunOf(id: string, instance: InstanceSnapshot): ExistingRun {
  const tearingDown = previousRunOf(instance) !== null;
  const input = provisionInputOf(instance);
  return {
    active: isActive(instance),
    tearingDown,
    specHash: input?.specHash ?? null,
    request: input?.request ?? null,
    succeeded: !tearingDown && toStatusDocument(id, instance).status === "Succeeded",
  };
}
