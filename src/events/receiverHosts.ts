/**
 * NOTIFY_ALLOWED_HOSTS: the receivers a deployment lets callers name. Without it any https host that passes the
 * address rules is a valid target, so a caller can make the app POST into its own network; a platform team that
 * knows its receivers lists them and every other host is refused at the request and again at each delivery.
 */
import { isIP } from "node:net";

/** One entry: an exact host (`hooks.example.com`, an IP address) or every name under a suffix (`*.example.com`). */
export type ReceiverHostPattern = { kind: "exact"; host: string } | { kind: "suffix"; suffix: string };

const label = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const hostname = new RegExp(`^${label}(?:\\.${label})*$`);

/** The host as the URL parser and the allow-list both write it: lower case, no brackets, no trailing dot. */
export function normalHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
}

function patternOf(entry: string): ReceiverHostPattern | null {
  const text = normalHost(entry);
  if (text.startsWith("*.")) {
    const suffix = text.slice(2);
    // A suffix needs a dot of its own: `*.com` would let in the whole of a top-level domain.
    return hostname.test(suffix) && suffix.includes(".") ? { kind: "suffix", suffix } : null;
  }
  // An address is kept as the URL parser writes it (IPv6 compressed), the form a notify URL's host is compared in.
  if (isIP(text) === 4) return { kind: "exact", host: text };
  if (isIP(text) === 6) return { kind: "exact", host: normalHost(new URL(`https://[${text}]/`).hostname) };
  return hostname.test(text) ? { kind: "exact", host: text } : null;
}

export type ParsedReceiverHosts = { ok: true; patterns: ReceiverHostPattern[] } | { ok: false; message: string };

/** A comma-separated list; every entry must be a host name, an IP address or `*.` and a name with a dot. */
export function parseReceiverHosts(text: string): ParsedReceiverHosts {
  const entries = text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const patterns: ReceiverHostPattern[] = [];
  for (const entry of entries) {
    const pattern = patternOf(entry);
    if (pattern === null) {
      return {
        ok: false,
        message: `NOTIFY_ALLOWED_HOSTS: '${entry}' is not a host name, an IP address or *.<domain>`,
      };
    }
    patterns.push(pattern);
  }
  if (patterns.length === 0) return { ok: false, message: "NOTIFY_ALLOWED_HOSTS: lists no host" };
  return { ok: true, patterns };
}

/** Whether a URL's host is on the list: an exact entry, or a name strictly under a `*.` suffix (not the suffix). */
export function isAllowedReceiver(host: string, patterns: readonly ReceiverHostPattern[]): boolean {
  const name = normalHost(host);
  return patterns.some((pattern) =>
    pattern.kind === "exact" ? pattern.host === name : name.endsWith(`.${pattern.suffix}`),
  );
}
