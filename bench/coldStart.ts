/**
 * (e) Cold start: how long loading the app's function modules takes in a fresh Node process, against a bare
 * @azure/functions app with one HTTP function, measured the same way in the same run (median of several processes).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "../local/stack.js";
import { median } from "./stats.js";

// Outside a Functions worker @azure/functions needs the worker's core module; both apps get the local host's stand-in,
// installed before the clock starts.
const core = pathToFileURL(join(repoRoot, "dist/local/host/functionsCore.js")).href;

function loadMs(modules: string[]): number {
  const script =
    `const { installFunctionsCore } = await import(${JSON.stringify(core)}); installFunctionsCore();` +
    `const t = performance.now(); for (const m of ${JSON.stringify(modules)}) await import(m); console.log(performance.now() - t);`;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  const line = result.stdout.trim().split("\n").at(-1) ?? "";
  const value = Number(line);
  if (!Number.isFinite(value)) throw new Error(`cold start probe failed: ${result.stderr}`);
  return value;
}

export function benchColdStart(samples = 7): void {
  const bare = join(mkdtempSync(join(tmpdir(), "bare-app-")), "bare.mjs");
  writeFileSync(
    bare,
    `import { createRequire } from "node:module";\n` +
      `const { app } = createRequire(${JSON.stringify(join(repoRoot, "package.json"))})("@azure/functions");\n` +
      `app.http("hello", { methods: ["GET"], handler: async () => ({ body: "hello" }) });\n`,
  );
  const appModules = ["http", "orchestrations", "activities", "console"].map(
    (name) => pathToFileURL(join(repoRoot, `dist/src/functions/${name}.js`)).href,
  );
  const app = median(Array.from({ length: samples }, () => loadMs(appModules)));
  const reference = median(Array.from({ length: samples }, () => loadMs([pathToFileURL(bare).href])));
  console.log(
    `\n(e) cold start: app modules load in ${app.toFixed(0)} ms ÷ bare @azure/functions app ${reference.toFixed(0)} ms = ${(app / reference).toFixed(2)} (median of ${samples} processes)`,
  );
}
