import { isRestError } from "@azure/core-rest-pipeline";

/** What the product reports for a failed Azure call: the ARM error code users search for, and whether to retry. */
export interface ArmFailure {
  code: string;
  message: string;
  statusCode: number | null;
  /** Throttling, 5xx, lost connections and "another operation in progress" clear up by themselves. */
  transient: boolean;
}

const transientCodes = new Set([
  "AnotherOperationInProgress",
  "OperationNotAllowed",
  "Conflict",
  "RetryableError",
  "TooManyRequests",
  "SubscriptionRequestsThrottled",
  "Throttled",
  "ServerTimeout",
  "InternalServerError",
  "ServiceUnavailable",
  "GatewayTimeout",
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "REQUEST_SEND_ERROR",
]);

// core-lro reports a failed long-running operation as a plain Error: "The long-running operation has failed. <code>. <message>".
const lroFailure = /^The long-running operation has failed\.\s*([A-Za-z0-9_.-]+)\.\s*([\s\S]*)$/;

export function toArmFailure(error: unknown): ArmFailure {
  if (isRestError(error)) {
    const statusCode = error.statusCode ?? null;
    const code = error.code ?? (statusCode === null ? "RequestFailed" : `Http${statusCode}`);
    const transient =
      statusCode === 429 ||
      statusCode === 408 ||
      (statusCode !== null && statusCode >= 500 && statusCode !== 501 && statusCode !== 505) ||
      transientCodes.has(code);
    return { code, message: redact(error.message), statusCode, transient };
  }
  if (error instanceof Error) {
    const match = lroFailure.exec(error.message);
    if (match?.[1] !== undefined) {
      const code = match[1];
      return {
        code,
        message: redact(match[2]?.trim() || error.message),
        statusCode: null,
        transient: transientCodes.has(code),
      };
    }
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Za-z][A-Za-z0-9_]*$/.test(code)) {
      return { code, message: redact(error.message), statusCode: null, transient: transientCodes.has(code) };
    }
    return { code: "InternalError", message: redact(error.message), statusCode: null, transient: false };
  }
  return { code: "InternalError", message: "Unknown error", statusCode: null, transient: false };
}

export function isNotFound(error: unknown): boolean {
  return isRestError(error) && error.statusCode === 404;
}

/** Error messages can quote request URLs and headers; keep bearer tokens and signed query strings out of status documents. */
export function redact(text: string): string {
  return text
    .replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, "Bearer [redacted]")
    .replace(/([?&](?:sig|se|sv|t|c|s|h|code)=)[^&\s"']+/gi, "$1[redacted]")
    .replace(/(client[-_]?secret["'=:\s]+)[^\s"',]+/gi, "$1[redacted]")
    .slice(0, 2_000);
}
