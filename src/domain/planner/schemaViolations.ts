/** zod issues as violations: one stable code per kind of shape error, with the JSON path the caller wrote. */
import type { z } from "zod";
import { record } from "../requestFields.js";
import type { Violation } from "../violations.js";

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    const container = record(value) ?? (Array.isArray(value) ? (value as unknown as Record<string, unknown>) : null);
    if (container === null) return undefined;
    value = container[String(key)];
  }
  return value;
}

export function schemaViolations(error: z.ZodError, raw: unknown): Violation[] {
  return error.issues.flatMap((issue): Violation[] => {
    const path = issue.path.map(String).join(".");
    const params = (issue as { params?: { code?: unknown } }).params;
    let code = typeof params?.code === "string" ? params.code : "invalid-value";
    let message = issue.message;
    switch (issue.code) {
      case "invalid_type": {
        const missing = valueAt(raw, issue.path) === undefined;
        code = missing ? "required" : "invalid-type";
        message = missing ? `${path || "body"} is required` : `${path || "body"} must be ${issue.expected}`;
        break;
      }
      case "unrecognized_keys":
        return issue.keys.map((key) => ({
          path: [path, key].filter((part) => part !== "").join("."),
          code: "unknown-field",
          message: `'${key}' is not a field of the ClusterRequest`,
        }));
      case "invalid_value":
        code = "invalid-enum";
        message = `${path} must be one of ${issue.values.map(String).join(", ")}`;
        break;
      case "too_small":
      case "too_big":
        code = "out-of-range";
        break;
      case "invalid_format":
        code = "invalid-format";
        break;
      default:
        break;
    }
    return [{ path, code, message }];
  });
}
