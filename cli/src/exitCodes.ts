/**
 * The CLI's exit codes: the contract a pipeline branches on. Each HTTP refusal a pipeline handles differently gets its
 * own code (retry after a conflict, re-read after a precondition failure, fix access after a 403...). Numbers already
 * in use before (0–3) kept their meaning, so existing pipelines keep working.
 */
export const exitCodes = {
  ok: 0,
  invalid: 1,
  failed: 2,
  unreachable: 3,
  forbidden: 4,
  notFound: 5,
  conflict: 6,
  preconditionFailed: 7,
  waitTimeout: 8,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** What each code means, as printed by `--help` and documented in docs/pipelines.md. */
export const exitCodeMeanings: readonly { code: ExitCode; meaning: string }[] = [
  { code: exitCodes.ok, meaning: "success (with --wait: the run Succeeded, or the cluster was Deleted)" },
  { code: exitCodes.invalid, meaning: "invalid request or usage (400, 413, 422, bad option, unreadable request file)" },
  { code: exitCodes.failed, meaning: "the run ended Failed or Canceled (step and ARM error code printed)" },
  { code: exitCodes.unreachable, meaning: "API unreachable, key missing or wrong (401), or a server error (5xx)" },
  { code: exitCodes.forbidden, meaning: "forbidden (403): subscription, location or scope not allowed for the caller" },
  { code: exitCodes.notFound, meaning: "not found (404): no run with that id" },
  {
    code: exitCodes.conflict,
    meaning: "conflict (409): another run or a teardown holds the cluster, or nothing to cancel",
  },
  { code: exitCodes.preconditionFailed, meaning: "precondition failed (412): --if-match no longer matches the run" },
  { code: exitCodes.waitTimeout, meaning: "--wait gave up after --timeout; the run goes on" },
];

/** The exit code for an HTTP error status from the API. */
export function exitCodeForStatus(status: number): ExitCode {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return exitCodes.invalid;
    case 403:
      return exitCodes.forbidden;
    case 404:
      return exitCodes.notFound;
    case 409:
      return exitCodes.conflict;
    case 412:
      return exitCodes.preconditionFailed;
    default:
      return exitCodes.unreachable;
  }
}
