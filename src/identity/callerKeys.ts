/**
 * CALLER_KEYS: API keys for machine callers (a pipeline, a portal's backend) that cannot sign in through Entra. Each
 * key is bound to its own subscriptions and resource groups — there is no key that reaches everything unless a
 * deployment writes `*` for both. The setting holds SHA-256 hashes, never the keys, so reading the app's settings
 * does not hand out a key:
 *
 *   {"keys":[{"id":"backstage","sha256":"<64 hex digits>","subscriptions":["1111…"],"resourceGroups":["rg-team-a-*"]}]}
 *
 * A caller sends the key itself in the `x-api-key` header; its runs are recorded as requested by `key:<id>`.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";

const pattern = z.string().min(1).max(200);
const keySchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "id is 1-64 letters, digits, '.', '_' or '-'"),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, "sha256 is the key's SHA-256 as 64 hex digits"),
    subscriptions: z.array(pattern).min(1),
    resourceGroups: z.array(pattern).min(1),
  })
  .strict();

export const callerKeysSchema = z
  .object({ keys: z.array(keySchema).min(1) })
  .strict()
  .refine((value) => new Set(value.keys.map((key) => key.id.toLowerCase())).size === value.keys.length, {
    message: "key ids must be unique",
  })
  .refine((value) => new Set(value.keys.map((key) => key.sha256.toLowerCase())).size === value.keys.length, {
    message: "two entries have the same key",
  });
export type CallerKeys = z.infer<typeof callerKeysSchema>;
export type CallerKey = CallerKeys["keys"][number];

/** The header machine callers send their key in. */
export const apiKeyHeader = "x-api-key";

/** What CALLER_KEYS stores for a key: its SHA-256 in hex (`printf %s "$KEY" | sha256sum` gives the same). */
export function callerKeyHash(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export function parseCallerKeys(text: string): { ok: true; keys: CallerKeys } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: "CALLER_KEYS is not valid JSON" };
  }
  const parsed = callerKeysSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    return { ok: false, message: `CALLER_KEYS: ${issues.join("; ")}` };
  }
  return { ok: true, keys: parsed.data };
}

/** The configured key this secret is, compared in constant time against every entry; null when none. */
export function findCallerKey(keys: CallerKeys | null, given: string): CallerKey | null {
  if (keys === null || given.length === 0) return null;
  const hash = Buffer.from(callerKeyHash(given), "hex");
  let found: CallerKey | null = null;
  for (const key of keys.keys) {
    if (timingSafeEqual(hash, Buffer.from(key.sha256, "hex"))) found = key;
  }
  return found;
}
