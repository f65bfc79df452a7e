import type { HttpRequest } from "@azure/functions";
import { problem, type ProblemDetails } from "../domain/problem.js";

const maxBodyBytes = 64 * 1024;

export type JsonBody = { ok: true; value: unknown } | { ok: false; problem: ProblemDetails };

export async function readJsonBody(request: HttpRequest): Promise<JsonBody> {
  const text = await request.text();
  if (text.length > maxBodyBytes) {
    return { ok: false, problem: problem(413, "Payload Too Large", `The request body is over ${maxBodyBytes} bytes.`) };
  }
  if (text.trim().length === 0) {
    return {
      ok: false,
      problem: problem(400, "Bad Request", "The request body is empty; send a ClusterRequest as JSON.", {
        errors: [{ path: "", code: "required", message: "request body is required" }],
      }),
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      problem: problem(400, "Bad Request", "The request body is not valid JSON.", {
        errors: [{ path: "", code: "invalid-json", message: error instanceof Error ? error.message : "invalid JSON" }],
      }),
    };
  }
}
