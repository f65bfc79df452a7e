import type { HttpRequest } from "@azure/functions";
import { problem, type ProblemDetails } from "../domain/problem.js";
import { duplicateKeyPath } from "./duplicateKeys.js";

/** A ClusterRequest is a few KB; anything near this is a mistake or an attack, and is refused before it is held. */
export const maxBodyBytes = 64 * 1024;

/** `text` is the body exactly as sent (idempotency keys compare it). */
export type JsonBody = { ok: true; value: unknown; text: string } | { ok: false; problem: ProblemDetails };

const refuse = (status: number, title: string, detail: string, code: string, path = ""): JsonBody => ({
  ok: false,
  problem: problem(status, title, detail, { errors: [{ path, code, message: detail }] }),
});

const tooLarge = () =>
  refuse(413, "Payload Too Large", `The request body is over ${maxBodyBytes} bytes.`, "body-too-large");

/** JSON that describes a change to a document, not a document: taking it as a ClusterRequest would misread it. */
const patchMediaTypes = new Set(["application/json-patch+json", "application/merge-patch+json"]);

/** application/json, or a +json media type other than a patch; parameters such as charset may follow. */
function isJsonMediaType(contentType: string | null): boolean {
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (patchMediaTypes.has(mediaType)) return false;
  return mediaType === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}

/** Reads at most `limit` bytes, counting UTF-8 bytes as they arrive; null once the body is larger. */
async function readLimited(request: HttpRequest, limit: number): Promise<Uint8Array | null> {
  const stream = request.body;
  if (stream === null) return new Uint8Array();
  const reader = (stream as ReadableStream<Uint8Array | string>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    const chunk = typeof next.value === "string" ? new TextEncoder().encode(next.value) : next.value;
    total += chunk.byteLength;
    if (total > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The JSON body of a POST: 415 unless it says it is JSON, 413 past the limit (from Content-Length when given, else
 * while streaming, in bytes), 400 when empty or not JSON.
 */
export async function readJsonBody(request: HttpRequest): Promise<JsonBody> {
  const contentType = request.headers.get("content-type");
  if (!isJsonMediaType(contentType)) {
    return refuse(
      415,
      "Unsupported Media Type",
      `Send the body as JSON with 'Content-Type: application/json' (got ${contentType === null ? "none" : `'${contentType}'`}).`,
      "unsupported-media-type",
      "content-type",
    );
  }
  const declared = Number.parseInt(request.headers.get("content-length") ?? "", 10);
  if (Number.isInteger(declared) && declared > maxBodyBytes) return tooLarge();
  const bytes = await readLimited(request, maxBodyBytes);
  if (bytes === null) return tooLarge();
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return refuse(400, "Bad Request", "The request body is not valid UTF-8.", "invalid-encoding");
  }
  if (text.trim().length === 0) {
    return refuse(400, "Bad Request", "The request body is empty; send a ClusterRequest as JSON.", "required");
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    return refuse(
      400,
      "Bad Request",
      `The request body is not valid JSON: ${error instanceof Error ? error.message : "parse error"}.`,
      "invalid-json",
    );
  }
  const duplicate = duplicateKeyPath(text);
  if (duplicate !== null) {
    const detail = `The request body names '${duplicate}' twice; send each key once.`;
    return refuse(400, "Bad Request", detail, "duplicate-key", duplicate);
  }
  return { ok: true, value, text };
}
