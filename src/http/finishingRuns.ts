/**
 * A run reads Succeeded or Failed as soon as its outcome is known, while its orchestration still sends the completion
 * events; Durable starts no other instance under its id until they are out. A caller that acts on the outcome at once
 * (DELETE, or POST a change) is made to wait for the run to end rather than refused: on the real extension that is a
 * few queue hops, unless a failing webhook is being retried.
 */
import type { DurableClient } from "durable-functions";
import { problem } from "../domain/problem.js";
import { isFinishing, type InstanceSnapshot } from "../domain/statusDocument.js";
import { findInstance } from "./instances.js";
import { problemResponse } from "./responses.js";

/** How long a request waits for a finishing run before it answers 503 with Retry-After. */
export const finishingWaitMs = 20_000;

/**
 * The instance once it no longer only delivers completion events, read again with a growing pause (0.1 s to 1 s)
 * for at most `withinMs`; it is still finishing if a delivery is retried that long. Null if it disappeared meanwhile.
 */
export async function settledInstance(
  client: DurableClient,
  instanceId: string,
  instance: InstanceSnapshot | null,
  withinMs = finishingWaitMs,
): Promise<InstanceSnapshot | null> {
  const until = Date.now() + withinMs;
  let current = instance;
  for (let pause = 100; isFinishing(current) && Date.now() < until; pause = Math.min(pause * 2, 1_000)) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(0, until - Date.now()))));
    current = await findInstance(client, instanceId);
  }
  return current;
}

/** Still finishing after the wait: a transient refusal (503, Retry-After), not a conflict. */
export function stillDelivering(id: string, statusUrl: string, action: "DELETE" | "POST") {
  return problemResponse(
    problem(
      503,
      "Service Unavailable",
      `The run has ended and is still retrying the delivery of its completion events; ${action} again after ` +
        "Retry-After.",
      { id, statusUrl },
    ),
    { "Retry-After": "10" },
  );
}
