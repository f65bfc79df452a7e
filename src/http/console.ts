/**
 * GET /api/console/{*path}: the web console's static files (console/ at the app root), served by the app itself.
 *
 * Path-traversal safe by construction: the folder is listed once, and a request can only name one of the files in that
 * list. Nothing built from the request is ever handed to the file system.
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * Only our own files: no inline script or style, no framing, no other origins. `connect-src 'self'` lets the page call
 * the API on the same host; style attributes set through the CSSOM (element.style) are not affected by style-src.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const securityHeaders: Record<string, string> = {
  "Content-Security-Policy": contentSecurityPolicy,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

/**
 * The console folder: the nearest `console/` holding an index.html above this module, i.e. the app root both from
 * src/http (tests) and from dist/src/http (the built app, locally and in Azure).
 */
export function findConsoleRoot(start: string = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = start;
  for (let level = 0; level < 5; level += 1) {
    if (existsSync(join(dir, "console", "index.html"))) return join(dir, "console");
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** Every servable file under root, keyed by its URL path ("js/app.js"); dot-files, tsconfig and unknown types are left out. */
export function indexStaticFiles(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      // Dot-files and the folder's own type-checking config are not part of the site.
      if (name.startsWith(".") || name === "tsconfig.json") continue;
      const full = join(dir, name);
      const stat = statSync(full);
      if (stat.isDirectory()) {
        walk(full);
        continue;
      }
      const contentType = contentTypes[extname(name).toLowerCase()];
      if (!stat.isFile() || contentType === undefined) continue;
      const body = readFileSync(full);
      const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
      files.set(relative(root, full).split(sep).join("/"), { body, contentType, etag });
    }
  };
  walk(root);
  return files;
}

/** Read once per process: the files change only with a deploy (or a restart of `npm start`, which rebuilds). */
let cached: Map<string, StaticFile> | null = null;

function consoleFiles(): Map<string, StaticFile> {
  if (cached === null) {
    const root = findConsoleRoot();
    cached = root === null ? new Map() : indexStaticFiles(root);
  }
  return cached;
}

function notFound(): HttpResponseInit {
  return {
    status: 404,
    body: "Not found",
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...securityHeaders },
  };
}

/** Serves one file of `files` for the request; exported with the index as a parameter for tests. */
export function serveStatic(request: HttpRequest, files: Map<string, StaticFile>): HttpResponseInit {
  const url = new URL(request.url);
  const requested = request.params.path ?? "";
  // "/api/console" has no trailing slash: send the browser to "/api/console/" so the page's relative URLs resolve.
  if (requested === "" && !url.pathname.endsWith("/")) {
    return { status: 308, headers: { Location: `${url.pathname}/${url.search}`, "Cache-Control": "no-store" } };
  }
  const key = requested === "" || requested.endsWith("/") ? `${requested}index.html` : requested;
  const file = files.get(key);
  if (file === undefined) return notFound();
  const isPage = file.contentType.startsWith("text/html");
  const headers: Record<string, string> = {
    "Content-Type": file.contentType,
    ETag: file.etag,
    // Pages always revalidate so a deploy is picked up at once; scripts and styles may be reused for five minutes.
    "Cache-Control": isPage ? "no-cache" : "public, max-age=300, must-revalidate",
    ...securityHeaders,
  };
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch !== null && ifNoneMatch.split(",").some((tag) => tag.trim() === file.etag)) {
    return { status: 304, headers };
  }
  return { status: 200, body: request.method === "HEAD" ? undefined : file.body, headers };
}

export async function consoleHandler(request: HttpRequest): Promise<HttpResponseInit> {
  return serveStatic(request, consoleFiles());
}
