/**
 * The few Blob service calls the table store needs to keep payloads too large for a table property, as the Durable
 * Azure Storage provider does with its `<hub>-largemessages` container: create the container, put, get, and delete by
 * prefix. Plain REST with Shared Key signing (the project has no blob SDK; Azurite and Azure both accept this).
 */
import { createHmac } from "node:crypto";

const apiVersion = "2021-08-06";

export interface StorageAccount {
  name: string;
  key: string;
  blobEndpoint: string | undefined;
}

/** AccountName, AccountKey and BlobEndpoint from a storage connection string. */
export function parseConnectionString(connectionString: string): StorageAccount {
  const parts = new Map<string, string>();
  for (const part of connectionString.split(";")) {
    const at = part.indexOf("=");
    if (at > 0) parts.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const name = parts.get("AccountName") ?? "";
  const suffix = parts.get("EndpointSuffix");
  const protocol = parts.get("DefaultEndpointsProtocol") ?? "https";
  const blobEndpoint =
    parts.get("BlobEndpoint") ?? (suffix === undefined ? undefined : `${protocol}://${name}.blob.${suffix}`);
  return { name, key: parts.get("AccountKey") ?? "", blobEndpoint: blobEndpoint?.replace(/\/+$/, "") };
}

export class BlobStorageError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

/** Blob names are used unescaped in URLs (and in the Shared Key signature): callers keep them to [a-z0-9/-]. */
export class BlobContainer {
  private readonly base: string;

  constructor(
    private readonly account: StorageAccount,
    readonly container: string,
  ) {
    if (account.blobEndpoint === undefined)
      throw new Error("The storage connection string has no blob endpoint; large payloads need one");
    this.base = `${account.blobEndpoint}/${container}`;
  }

  private async request(
    method: string,
    path: string,
    query: Record<string, string>,
    body?: Buffer,
    extraHeaders: Record<string, string> = {},
  ): Promise<Response> {
    const url = new URL(`${this.base}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const headers: Record<string, string> = {
      "x-ms-date": new Date().toUTCString(),
      "x-ms-version": apiVersion,
      ...extraHeaders,
    };
    const length = body === undefined || body.length === 0 ? "" : String(body.length);
    const contentType = body === undefined ? "" : "application/octet-stream";
    if (contentType !== "") headers["Content-Type"] = contentType;
    const canonicalHeaders = Object.keys(headers)
      .filter((name) => name.toLowerCase().startsWith("x-ms-"))
      .sort()
      .map((name) => `${name.toLowerCase()}:${headers[name] ?? ""}\n`)
      .join("");
    const canonicalQuery = [...url.searchParams.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => `\n${name.toLowerCase()}:${value}`)
      .join("");
    const canonicalResource = `/${this.account.name}${url.pathname}${canonicalQuery}`;
    const stringToSign = [method, "", "", length, "", contentType, "", "", "", "", "", ""].join("\n");
    const signature = createHmac("sha256", Buffer.from(this.account.key, "base64"))
      .update(`${stringToSign}\n${canonicalHeaders}${canonicalResource}`, "utf8")
      .digest("base64");
    headers.Authorization = `SharedKey ${this.account.name}:${signature}`;
    return fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  }

  private async check(response: Response, operation: string, allowed: number[] = []): Promise<Response> {
    if (response.ok || allowed.includes(response.status)) return response;
    const text = await response.text();
    throw new BlobStorageError(`blob ${operation} failed: ${response.status} ${text.slice(0, 300)}`, response.status);
  }

  async create(): Promise<void> {
    await this.check(await this.request("PUT", "", { restype: "container" }), "create container", [409]);
  }

  async put(name: string, text: string): Promise<void> {
    const response = await this.request("PUT", `/${name}`, {}, Buffer.from(text, "utf8"), {
      "x-ms-blob-type": "BlockBlob",
    });
    await this.check(response, `put ${name}`);
  }

  async get(name: string): Promise<string> {
    const response = await this.check(await this.request("GET", `/${name}`, {}), `get ${name}`);
    return response.text();
  }

  async deletePrefix(prefix: string): Promise<void> {
    let marker = "";
    do {
      const query: Record<string, string> = { restype: "container", comp: "list", prefix };
      if (marker !== "") query.marker = marker;
      const xml = await (await this.check(await this.request("GET", "", query), "list")).text();
      const names = [...xml.matchAll(/<Name>([^<]*)<\/Name>/g)].map((m) => unescapeXml(m[1] ?? ""));
      for (const name of names) await this.check(await this.request("DELETE", `/${name}`, {}), `delete ${name}`, [404]);
      marker = unescapeXml(/<NextMarker>([^<]*)<\/NextMarker>/.exec(xml)?.[1] ?? "");
    } while (marker !== "");
  }
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
