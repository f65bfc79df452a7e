/**
 * Where events may be sent. A caller-supplied URL is a server-side request forgery risk, so the rules are checked twice:
 * on the URL when the request arrives (400 naming notify.url) and on every address its host resolves to just before each
 * delivery (a DNS name can point anywhere, and can change).
 */
import { isIP } from "node:net";
import { isAllowedReceiver, type ReceiverHostPattern } from "./receiverHosts.js";

// Cloud metadata and platform endpoints: never a webhook, whatever resolves to them.
const metadataHostnames = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.azure.internal",
  "metadata.azure.com",
  "instance-data",
  "instance-data.ec2.internal",
]);

function ipv4Octets(address: string): number[] | null {
  if (isIP(address) !== 4) return null;
  return address.split(".").map((part) => Number.parseInt(part, 10));
}

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail counts as two); null when it is not one. */
function hextets(ip: string): number[] | null {
  if (isIP(ip) !== 6) return null;
  let text = ip.replace(/%.*$/, "");
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] !== undefined) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split(".").map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((group) => Number.parseInt(group, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

const dottedOf = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;

/**
 * The IPv4 addresses an IPv6 address carries, so they are judged as themselves: IPv4-mapped (::ffff:0:0/96),
 * IPv4-compatible (::/96), NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo
 * (2001::/32: its server, and its client obfuscated with all bits flipped).
 */
function embeddedIpv4(ip: string): string[] {
  const h = hextets(ip);
  if (h === null) return [];
  const [h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0, h5 = 0, h6 = 0, h7 = 0] = h;
  const last = dottedOf(h6, h7);
  const zeroTo = (n: number) => h.slice(0, n).every((group) => group === 0);
  if (zeroTo(5) && h5 === 0xffff) return [last];
  if (zeroTo(6) && (h6 !== 0 || h7 > 1)) return [last];
  if (h0 === 0x64 && h1 === 0xff9b && (h2 === 1 || (h2 === 0 && h3 === 0 && h4 === 0 && h5 === 0))) return [last];
  if (h0 === 0x2002) return [dottedOf(h1, h2)];
  if (h0 === 0x2001 && h1 === 0) return [dottedOf(h2, h3), dottedOf(h6 ^ 0xffff, h7 ^ 0xffff)];
  return [];
}

/** An address and every IPv4 address embedded in it: a rule refuses the address if it refuses any of them. */
function forms(address: string): string[] {
  const ip = unmapped(address);
  return [ip, ...embeddedIpv4(ip)];
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is checked as its IPv4 address. */
function unmapped(address: string): string {
  const lower = address.toLowerCase().replace(/^\[|\]$/g, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped?.[1] !== undefined) return mapped[1];
  // The URL parser writes mapped addresses in hex (::ffff:a9fe:101 for 169.254.1.1).
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex?.[1] !== undefined && hex[2] !== undefined) {
    const high = Number.parseInt(hex[1], 16);
    const low = Number.parseInt(hex[2], 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return lower;
}

export function isLoopbackAddress(address: string): boolean {
  return forms(address).some(isLoopbackForm);
}

function isLoopbackForm(ip: string): boolean {
  const octets = ipv4Octets(ip);
  if (octets !== null) return octets[0] === 127;
  return ip === "::1";
}

/** Link-local (169.254.0.0/16, fe80::/10), Azure's platform address 168.63.129.16, and the unspecified addresses. */
export function isForbiddenAddress(address: string): boolean {
  return forms(address).some(isForbiddenForm);
}

function isForbiddenForm(ip: string): boolean {
  const octets = ipv4Octets(ip);
  if (octets !== null) {
    if (octets[0] === 169 && octets[1] === 254) return true;
    if (ip === "168.63.129.16") return true;
    return octets[0] === 0;
  }
  if (isIP(ip) !== 6) return false;
  if (ip === "::") return true;
  const first = Number.parseInt(ip.split(":")[0] ?? "0", 16);
  // fe80::/10 = fe80 … febf in the first hextet; fd00:ec2::254 is AWS's IPv6 metadata endpoint.
  return (first & 0xffc0) === 0xfe80 || ip === "fd00:ec2::254";
}

export interface TargetRules {
  /** NOTIFY_ALLOW_LOOPBACK: plain http to localhost/127.0.0.1/[::1] (the local stack only). */
  allowLoopback: boolean;
  /** NOTIFY_ALLOWED_HOSTS: when set, only these receivers; absent or null, any host the address rules let through. */
  allowedHosts?: readonly ReceiverHostPattern[] | null;
}

/** The rules a deployment's settings make: the same at the request and at every delivery. */
export function targetRulesOf(api: { notifyAllowLoopback: boolean; notifyAllowedHosts: ReceiverHostPattern[] | null }) {
  return { allowLoopback: api.notifyAllowLoopback, allowedHosts: api.notifyAllowedHosts } satisfies TargetRules;
}

const hostOf = (url: URL) =>
  url.hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");

/** The reason a notify URL is refused before anything is resolved, or null when it may be used. */
export function urlProblem(text: string, rules: TargetRules): string | null {
  return addressRuleProblem(text, rules) ?? receiverProblem(text, rules);
}

/** The allow-list's verdict alone (null without a list); it never says which hosts are on it. */
export function receiverProblem(text: string, rules: TargetRules): string | null {
  if (rules.allowedHosts === undefined || rules.allowedHosts === null) return null;
  let host: string;
  try {
    host = new URL(text).hostname;
  } catch {
    return "notify.url must be an absolute URL";
  }
  return isAllowedReceiver(host, rules.allowedHosts)
    ? null
    : "notify.url's host is not on this deployment's list of receivers (NOTIFY_ALLOWED_HOSTS)";
}

/** The scheme, credential and address rules, which hold whether or not there is an allow-list. */
export function addressRuleProblem(text: string, rules: TargetRules): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "notify.url must be an absolute URL";
  }
  if (url.username !== "" || url.password !== "") return "notify.url must not carry credentials";
  const host = hostOf(url);
  const loopbackName = host === "localhost" || isLoopbackAddress(host);
  if (metadataHostnames.has(host) || isForbiddenAddress(host)) {
    return "notify.url points at a link-local or metadata address, which is never allowed";
  }
  if (loopbackName) {
    if (!rules.allowLoopback) return "notify.url must not point at this machine (loopback)";
    return url.protocol === "https:" || url.protocol === "http:" ? null : "notify.url must use https";
  }
  return url.protocol === "https:" ? null : "notify.url must use https";
}

/** The reason a resolved address may not be called, or null. */
export function addressProblem(address: string, rules: TargetRules): string | null {
  if (isForbiddenAddress(address)) return `resolves to ${address}, a link-local or metadata address`;
  if (isLoopbackAddress(address) && !rules.allowLoopback) return `resolves to ${address}, a loopback address`;
  return null;
}
