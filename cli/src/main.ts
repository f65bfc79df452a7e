/**
 * aks-provision: the provisioning API from a pipeline or a terminal. Every command prints text for people or, with
 * `--output json`, one JSON document for programs; the exit code says what happened (exitCodes.ts).
 */
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { ApiClient, ApiError, ConnectionError, WaitTimeoutError, follow, type RequestOptions } from "./client.js";
import { exitCodeForStatus, exitCodeMeanings, exitCodes, type ExitCode } from "./exitCodes.js";
import { formatIpVerification, formatList, formatPlan, formatStatus, formatStep, formatViolations } from "./format.js";
import { outputFormats, printJson, processIo, type Io, type OutputFormat, type Stream } from "./io.js";
import { appendOutputs, runOutputs } from "./runOutputs.js";
import type { StepName } from "../../src/domain/progress.js";
import type { StatusDocument } from "../../src/domain/statusDocument.js";

export { exitCodes } from "./exitCodes.js";

/** A request file that cannot be read or parsed is the caller's mistake: exit 1, not a crash. */
class RequestFileError extends Error {}

function readRequest(io: Io, file: string): unknown {
  let text: string;
  try {
    text = file === "-" ? io.readStdin() : readFileSync(file, "utf8");
  } catch (error) {
    throw new RequestFileError(`Cannot read the request file ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RequestFileError(`The request file ${file} is not JSON: ${(error as Error).message}`);
  }
}

function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new InvalidArgumentError("expected a positive number of seconds");
  return seconds;
}

/** What a followed run is: a teardown shows only its own steps, not the provisioning run it replaces. */
type RunKind = "provisioning" | "teardown";
// The API's teardown steps, named here (checked against the API's step names) so the CLI package carries no API code.
const teardownSteps: readonly StepName[] = ["deleteCluster", "deleteResourceGroup"];
const isTeardownStep = (name: string) => (teardownSteps as readonly string[]).includes(name);

/** One line per step transition; on a TTY (not CI) the running step also gets a live spinner line. */
function progressPrinter(out: Stream, env: Io["env"], kind: RunKind) {
  const seen = new Map<string, string>();
  const live = out.isTTY === true && env.CI === undefined;
  const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
  let frame = 0;
  return (document: StatusDocument) => {
    if (live) out.write("\r\x1b[2K");
    for (const step of document.steps) {
      if ((kind === "teardown") !== isTeardownStep(step.name)) continue;
      const key = `${step.status}|${step.attempts}|${step.status === "running" ? "" : (step.detail ?? "")}`;
      if (seen.get(step.name) !== key && step.status !== "pending") {
        seen.set(step.name, key);
        out.write(`${formatStep(step)}\n`);
      }
    }
    const running = document.steps.find(
      (step) => step.status === "running" && (kind === "teardown") === isTeardownStep(step.name),
    );
    if (live && running !== undefined) {
      frame = (frame + 1) % frames.length;
      out.write(`${frames[frame] ?? ""} ${running.name}: ${running.detail ?? "working"}`);
    }
  };
}

interface WaitOptions {
  wait?: boolean;
  timeout: number;
  pollInterval?: number;
  outputsFile?: string;
}

const exitCodeHelp = [
  "",
  "Exit codes:",
  ...exitCodeMeanings.map(({ code, meaning }) => `  ${String(code).padEnd(3)}${meaning}`),
].join("\n");

export function buildProgram(io: Io, setExitCode: (code: ExitCode) => void): Command {
  const program = new Command("aks-provision")
    .description("Plan, create, verify and tear down AKS clusters through aks-provisioning-api")
    .addOption(new Option("--url <url>", "API base URL").env("AKS_PROVISIONING_URL").default("http://127.0.0.1:7071"))
    .addOption(new Option("--key <key>", "API key (x-api-key; CALLER_KEYS on the API)").env("AKS_PROVISIONING_KEY"))
    .addOption(
      new Option("--token <token>", "bearer token for App Service authentication (Easy Auth)").env(
        "AKS_PROVISIONING_TOKEN",
      ),
    )
    .addOption(
      new Option("-o, --output <format>", "text for people, json for programs (one document on stdout)")
        .choices(outputFormats)
        .env("AKS_PROVISIONING_OUTPUT")
        .default("text"),
    )
    .addHelpText("after", exitCodeHelp)
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError()
    .exitOverride();
  const format = () => program.opts<{ output: OutputFormat }>().output;
  const client = () => {
    const { url, key, token } = program.opts<{ url: string; key?: string; token?: string }>();
    return new ApiClient({ baseUrl: url, key, token });
  };
  /** Text for people goes to stdout, unless stdout is reserved for the JSON document. */
  const human = (): Stream => (format() === "json" ? io.stderr : io.stdout);
  const waitOptions = (command: Command) =>
    command
      .option("--wait", "follow the run to its end")
      .option("--timeout <seconds>", "give up waiting after this long (exit 8)", positiveSeconds, 3600)
      .option("--poll-interval <seconds>", "poll this often instead of honouring Retry-After", positiveSeconds)
      .option(
        "--outputs-file <file>",
        "append cluster-id, status, cluster-resource-id, node-resource-group-id, ip-verification and ip-mismatches as key=value lines (e.g. $GITHUB_OUTPUT)",
      );
  const ifMatch = (command: Command) =>
    command.option("--if-match <etag>", "only if the run still has this ETag (from status); exit 7 otherwise");
  const conditions = (options: { ifMatch?: string }): RequestOptions =>
    options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch };

  const recordOutputs = (options: WaitOptions, run: Parameters<typeof runOutputs>[0]) => {
    if (options.outputsFile !== undefined) appendOutputs(options.outputsFile, runOutputs(run));
  };

  /** --wait: follows the run with progress lines, prints the outcome and sets the exit code. */
  const waitAndReport = async (api: ApiClient, id: string, options: WaitOptions, kind: RunKind) => {
    let final: StatusDocument;
    try {
      final = await follow(api, id, {
        timeoutSeconds: options.timeout,
        ...(options.pollInterval === undefined ? {} : { pollIntervalSeconds: options.pollInterval }),
        onUpdate: progressPrinter(human(), io.env, kind),
      });
    } catch (error) {
      // A pipeline that times out still learns which run to look at later.
      if (error instanceof WaitTimeoutError) recordOutputs(options, error.last);
      throw error;
    }
    recordOutputs(options, final);
    setExitCode(report(io, format(), final, kind));
  };

  program
    .command("plan")
    .description("validate and IP-plan a request without touching Azure")
    .requiredOption("-f, --file <file>", "request JSON ('-' for stdin)")
    .action(async (options: { file: string }) => {
      const result = await client().plan(readRequest(io, options.file));
      const valid = result.valid && result.plan !== null;
      if (format() === "json") printJson(io, result);
      else if (valid && result.plan !== null) io.stdout.write(`${formatPlan(result.plan)}\n`);
      else io.stderr.write(`${formatViolations(result.violations)}\n`);
      if (!valid) setExitCode(exitCodes.invalid);
    });

  waitOptions(
    program
      .command("create")
      .description("validate, plan and start provisioning")
      .requiredOption("-f, --file <file>", "request JSON ('-' for stdin)")
      .option("--idempotency-key <key>", "a retried create with this key answers the first run's 202"),
  ).action(async (options: WaitOptions & { file: string; idempotencyKey?: string }) => {
    const api = client();
    const request = readRequest(io, options.file);
    const accepted = await api.create(
      request,
      options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey },
    );
    if (options.wait !== true) {
      recordOutputs(options, accepted);
      if (format() === "json") printJson(io, accepted);
      else io.stdout.write(`accepted ${accepted.id}  ${accepted.statusUrl}\n`);
      return;
    }
    human().write(`accepted ${accepted.id}  ${accepted.statusUrl}\n`);
    await waitAndReport(api, accepted.id, options, "provisioning");
  });

  program
    .command("status <id>")
    .alias("show")
    .description("show a run: steps, resources, role checks, IP verification")
    .addOption(new Option("--json", "same as --output json").hideHelp())
    .action(async (id: string, options: { json?: boolean }) => {
      const { document, etag } = await client().status(id);
      // The ETag travels in a header; it is shown so that delete/cancel --if-match can use it.
      if (options.json === true || format() === "json") printJson(io, etag === null ? document : { ...document, etag });
      else io.stdout.write(`${formatStatus(document)}\n${etag === null ? "" : `etag ${etag}\n`}`);
    });

  program
    .command("list")
    .description("list runs, newest first")
    .option("--status <status>", "only runs in this status")
    .action(async (options: { status?: string }) => {
      const page = await client().list(options.status);
      if (format() === "json") printJson(io, page.raw);
      else io.stdout.write(`${formatList(page.items)}\n`);
    });

  waitOptions(
    ifMatch(
      program
        .command("delete <id>")
        .description("tear down the cluster (or, with --resource-group, its whole resource group)")
        .option("--resource-group", "delete the whole resource group"),
    ),
  ).action(async (id: string, options: WaitOptions & { resourceGroup?: boolean; ifMatch?: string }) => {
    const api = client();
    const scope = options.resourceGroup === true ? "resourceGroup" : "cluster";
    const accepted = await api.delete(id, scope, conditions(options));
    if (options.wait !== true) {
      recordOutputs(options, accepted);
      if (format() === "json") printJson(io, accepted);
      else io.stdout.write(`deleting ${accepted.id}  ${accepted.statusUrl}\n`);
      return;
    }
    human().write(`deleting ${accepted.id}  ${accepted.statusUrl}\n`);
    await waitAndReport(api, id, options, "teardown");
  });

  ifMatch(program.command("cancel <id>").description("stop a running run")).action(
    async (id: string, options: { ifMatch?: string }) => {
      const accepted = await client().cancel(id, conditions(options));
      if (format() === "json") printJson(io, accepted);
      else io.stdout.write(`canceled ${accepted.id}\n`);
    },
  );

  return program;
}

/** Prints the outcome of a followed run and returns its exit code. */
export function report(
  io: Io,
  format: OutputFormat,
  document: StatusDocument,
  kind: RunKind = "provisioning",
): ExitCode {
  const ok = document.status === "Succeeded" || document.status === "Deleted";
  if (format === "json") {
    printJson(io, document);
    return ok ? exitCodes.ok : exitCodes.failed;
  }
  // The addresses of a cluster being torn down are history: `status` still shows them.
  if (kind === "provisioning" && document.ipVerification !== null)
    io.stdout.write(`${formatIpVerification(document)}\n`);
  if (ok) {
    io.stdout.write(`${document.status}: ${document.request?.clusterName ?? document.id}\n`);
    return exitCodes.ok;
  }
  const error = document.error;
  io.stderr.write(
    `${document.status}${error === null ? "" : ` at step ${error.step}: ${error.code}: ${error.message}`}\n`,
  );
  return exitCodes.failed;
}

/** Turns anything a command threw into the documented exit code, and says why on stderr (and stdout for json). */
function reportError(io: Io, format: OutputFormat, error: unknown): ExitCode {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("commander.")) {
    // Commander has already printed its message or the help text; help asked for exits 0, help shown because no
    // command was given exits 1 like any other usage error.
    if ((error as { exitCode?: unknown }).exitCode === 0) return exitCodes.ok;
    if (format === "json")
      printJson(io, {
        error: { exitCode: exitCodes.invalid, code: "Usage", detail: String((error as Error).message) },
      });
    return exitCodes.invalid;
  }
  let exitCode: ExitCode;
  let json: Record<string, unknown>;
  if (error instanceof ApiError) {
    exitCode = exitCodeForStatus(error.status);
    io.stderr.write(`${error.status} ${error.problem?.title ?? ""}: ${error.message}\n`);
    if (error.problem?.errors !== undefined && error.problem.errors.length > 0)
      io.stderr.write(`${formatViolations(error.problem.errors)}\n`);
    json = { error: { exitCode, status: error.status, ...error.problem, detail: error.message } };
  } else if (error instanceof WaitTimeoutError) {
    exitCode = exitCodes.waitTimeout;
    io.stderr.write(`${error.message}\n`);
    json = { error: { exitCode, code: "WaitTimeout", detail: error.message }, status: error.last };
  } else if (error instanceof ConnectionError) {
    exitCode = exitCodes.unreachable;
    io.stderr.write(`${error.message}\n`);
    json = { error: { exitCode, code: "Unreachable", detail: error.message } };
  } else if (error instanceof RequestFileError) {
    exitCode = exitCodes.invalid;
    io.stderr.write(`${error.message}\n`);
    json = { error: { exitCode, code: "RequestFile", detail: error.message } };
  } else {
    exitCode = exitCodes.invalid;
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${message}\n`);
    json = { error: { exitCode, code: "Error", detail: message } };
  }
  if (format === "json") printJson(io, json);
  return exitCode;
}

export async function run(argv: string[], io: Io = processIo()): Promise<ExitCode> {
  let exitCode: ExitCode = exitCodes.ok;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    const output = program.opts<{ output?: OutputFormat }>().output;
    return reportError(io, output === "json" ? "json" : "text", error);
  }
}
