import { toServiceFailure } from "../azure/serviceFailure.js";
import type { ActivityResult } from "./contracts.js";

/** The marker that carries a transient fault's code through the Durable host's error text to the orchestrator. */
export const transientMarker = (code: string) => `[transient:${code}]`;

/**
 * Turns an activity body into the result contract: permanent failures (any service) are returned with their code,
 * transient ones are thrown, marked with the code, so Durable's retry policy tries again.
 */
export function guarded<I, O>(body: (input: I) => Promise<O>): (input: I) => Promise<ActivityResult<O>> {
  return async (input) => {
    try {
      return { ok: true, value: await body(input) };
    } catch (error) {
      const failure = toServiceFailure(error);
      if (failure.transient) {
        throw new Error(`${transientMarker(failure.code)} ${failure.message}`);
      }
      return { ok: false, error: { code: failure.code, message: failure.message } };
    }
  };
}

/** A failure the activity detected itself (not an SDK error), with a code users can look up. */
export class ProvisioningError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
