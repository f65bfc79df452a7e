/** One poll of a long-running ARM operation through the SDK's restored poller, as the cluster and pool activities do. */
import { toServiceFailure } from "../azure/serviceFailure.js";

export interface PolledOperation {
  /** The poller's status (`running`, `succeeded`, `failed`, …), or null once ARM no longer keeps the operation. */
  status: string | null;
  error: { code: string; message: string } | null;
}

interface RestoredPoller {
  poll(): Promise<unknown>;
  readonly operationState?: { status: string; error?: Error } | undefined;
}

/**
 * Polls once. A transient fault is thrown (Durable retries the activity); an operation ARM has forgotten (404,
 * OperationNotFound) gives a null status, so the resource itself tells the outcome; any other failure is returned.
 */
export async function pollOnce(poller: RestoredPoller): Promise<PolledOperation> {
  try {
    await poller.poll();
  } catch (error) {
    const failure = toServiceFailure(error);
    if (failure.transient) throw error;
    if (failure.code === "OperationNotFound" || failure.statusCode === 404) return { status: null, error: null };
    return { status: poller.operationState?.status ?? null, error: { code: failure.code, message: failure.message } };
  }
  const reported = poller.operationState?.error;
  const failure = reported === undefined ? null : toServiceFailure(reported);
  return {
    status: poller.operationState?.status ?? null,
    error: failure === null ? null : { code: failure.code, message: failure.message },
  };
}
