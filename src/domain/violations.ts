/** What the planner reports: a refused field (violation) or an allowed but unwise one (warning), by JSON path. */
export interface Violation {
  /** Dotted JSON path into the request, e.g. "nodePools.1.maxCount"; "" for the body itself. */
  path: string;
  /** Stable, kebab-case; clients switch on it. */
  code: string;
  message: string;
}

export type Warning = Violation;
