import type { DurableClient, DurableOrchestrationStatus } from "durable-functions";
import type { InstanceSnapshot } from "../domain/statusDocument.js";
import type { ProvisionInput } from "../orchestrators/provisionCluster.js";

export function teardownInstanceId(id: string): string {
  return `${id}-teardown`;
}

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

/** getStatus, with "no such instance" as null rather than the client's 404 error. */
export async function findInstance(client: DurableClient, instanceId: string): Promise<InstanceSnapshot | null> {
  try {
    return toSnapshot(await client.getStatus(instanceId, { showInput: true }));
  } catch (error) {
    if (error instanceof Error && /HTTP 404/.test(error.message)) {
      return null;
    }
    throw error;
  }
}

/** The input a provisioning run was started with; this API wrote it, so its shape is known. */
export function provisionInputOf(instance: InstanceSnapshot): ProvisionInput | null {
  const input = instance.input as Partial<ProvisionInput> | null | undefined;
  return input?.request === undefined || input.specHash === undefined ? null : (input as ProvisionInput);
}
