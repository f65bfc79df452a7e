import type { DurableClient, DurableOrchestrationStatus } from "durable-functions";
import type { InstanceSnapshot } from "../domain/statusDocument.js";

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
