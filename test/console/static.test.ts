/**
 * The console's static route without a browser: only files of console/ are served (no traversal), with their content
 * types, cache headers, ETag revalidation and the CSP; and the page's example requests are the documented ones.
 */
import { HttpRequest } from "@azure/functions";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, findConsoleRoot, indexStaticFiles, serveStatic } from "../../src/http/console.js";
import { repoRoot } from "../e2e/harness.js";

const root = findConsoleRoot();
const files = indexStaticFiles(join(repoRoot, "console"));

function get(path: string | undefined, url: string, headers: Record<string, string> = {}) {
  return serveStatic(
    new HttpRequest({
      method: "GET",
      url,
      headers,
      params: path === undefined ? {} : { path },
    }),
    files,
  );
}

const base = "http://127.0.0.1:7071/api/console";

describe("console static route", () => {
  it("finds console/ from the handler's own location", () => {
    expect(root).toBe(join(repoRoot, "console"));
  });

  it("serves index.html for the folder, with the CSP and no-cache", () => {
    const response = get("", `${base}/`);
    expect(response.status).toBe(200);
    const headers = response.headers as Record<string, string>;
    expect(headers["Content-Type"]).toBe("text/html; charset=utf-8");
    expect(headers["Cache-Control"]).toBe("no-cache");
    expect(headers["Content-Security-Policy"]).toBe(contentSecurityPolicy);
    expect(contentSecurityPolicy).toContain("script-src 'self'");
    expect(contentSecurityPolicy).not.toContain("unsafe");
    expect(headers["X-Content-Type-Options"]).toBe("nosniff");
    expect((response.body as Buffer).toString("utf8")).toContain('<script type="module" src="js/app.js">');
  });

  it("redirects the bare route to the folder so relative URLs resolve", () => {
    const response = get(undefined, `${base}?x=1`);
    expect(response.status).toBe(308);
    expect((response.headers as Record<string, string>).Location).toBe("/api/console/?x=1");
  });

  it("serves modules and styles with their types and a short cache", () => {
    const js = get("js/app.js", `${base}/js/app.js`);
    expect((js.headers as Record<string, string>)["Content-Type"]).toBe("text/javascript; charset=utf-8");
    expect((js.headers as Record<string, string>)["Cache-Control"]).toContain("max-age=300");
    const css = get("console.css", `${base}/console.css`);
    expect((css.headers as Record<string, string>)["Content-Type"]).toBe("text/css; charset=utf-8");
  });

  it("answers 304 to a matching If-None-Match", () => {
    const first = get("js/app.js", `${base}/js/app.js`);
    const etag = (first.headers as Record<string, string>).ETag ?? "";
    expect(etag).toMatch(/^".+"$/);
    expect(get("js/app.js", `${base}/js/app.js`, { "if-none-match": `"other", ${etag}` }).status).toBe(304);
  });

  it.each([
    "../package.json",
    "../../local.settings.json",
    "js/../../package.json",
    "/etc/passwd",
    "..\\package.json",
    "%2e%2e/package.json",
    "tsconfig.json/",
    ".hidden",
    "js/app.js\u0000.html",
    "missing.js",
  ])("serves nothing outside the index: %s", (path) => {
    const response = get(path, `${base}/${encodeURI(path)}`);
    expect(response.status).toBe(404);
  });

  it("indexes the site's files only", () => {
    const keys = [...files.keys()];
    expect(keys).toContain("index.html");
    expect(keys).toContain("js/app.js");
    expect(keys).not.toContain("tsconfig.json");
    for (const key of keys) expect(key).toMatch(/^[\w-]+(\/[\w-]+)*\.(html|css|js)$/);
  });

  it("ships with the app: .funcignore excludes neither console/ nor its file types", () => {
    const patterns = readFileSync(join(repoRoot, ".funcignore"), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"));
    for (const pattern of patterns) {
      expect(pattern).not.toMatch(/^\/?console\b/);
      expect(["*.js", "*.css", "*.html", "**/*.js", "js/"]).not.toContain(pattern);
    }
  });

  it("offers exactly the documented example requests", async () => {
    const { examples } = (await import(pathToFileURL(join(repoRoot, "console/js/examples.js")).href)) as {
      examples: Record<string, unknown>;
    };
    const documented = Object.fromEntries(
      readdirSync(join(repoRoot, "docs/examples"))
        .filter((name) => name.endsWith(".json"))
        .map((name) => [
          name.replace(/\.json$/, ""),
          JSON.parse(readFileSync(join(repoRoot, "docs/examples", name), "utf8")),
        ]),
    );
    expect(examples).toEqual(documented);
  });
});
