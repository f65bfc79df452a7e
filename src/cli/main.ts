/**
 * aks-provision: the provisioning API from a pipeline or a terminal. Exit codes: 0 success, 1 invalid request or
 * usage, 2 the run failed (step and ARM code printed), 3 the API could not be reached or refused the call.
 */
import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { ApiClient, ApiError, ConnectionError, follow } from "./client.js";
import { formatIpVerification, formatList, formatPlan, formatStatus, formatStep, formatViolations } from "./format.js";
import type { StatusDocument } from "../domain/statusDocument.js";

export const exitCodes = { ok: 0, invalid: 1, failed: 2, unreachable: 3 } as const;

function readRequest(file: string): unknown {
  const text = file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
  return JSON.parse(text) as unknown;
}

/** One line per step transition; on a TTY (not CI) the running step also gets a live spinner line. */
function progressPrinter(out: NodeJS.WriteStream) {
  const seen = new Map<string, string>();
  const live = out.isTTY === true && process.env.CI === undefined;
  const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
  let frame = 0;
  return (document: StatusDocument) => {
    if (live) out.write("\r\x1b[2K");
    for (const step of document.steps) {
      const key = `${step.status}|${step.attempts}|${step.status === "running" ? "" : (step.detail ?? "")}`;
      if (seen.get(step.name) !== key && step.status !== "pending") {
        seen.set(step.name, key);
        out.write(`${formatStep(step)}\n`);
      }
    }
    const running = document.steps.find((step) => step.status === "running");
    if (live && running !== undefined) {
      frame = (frame + 1) % frames.length;
      out.write(`${frames[frame] ?? ""} ${running.name}: ${running.detail ?? "working"}`);
    }
  };
}

export function buildProgram(): Command {
  const program = new Command("aks-provision")
    .description("Plan, create, verify and tear down AKS clusters through aks-provisioning-api")
    .addOption(new Option("--url <url>", "API base URL").env("AKS_PROVISIONING_URL").default("http://127.0.0.1:7071"))
    .addOption(new Option("--key <key>", "function key").env("AKS_PROVISIONING_KEY"))
    .showHelpAfterError()
    .exitOverride();
  const client = () => {
    const { url, key } = program.opts<{ url: string; key?: string }>();
    return new ApiClient({ baseUrl: url, key });
  };
  const waitOptions = (command: Command) =>
    command
      .option("--wait", "follow the run to its end")
      .option("--timeout <seconds>", "give up waiting after this long", "3600")
      .option("--poll-interval <seconds>", "poll this often instead of honouring Retry-After");

  program
    .command("plan")
    .description("validate and IP-plan a request without touching Azure")
    .requiredOption("-f, --file <file>", "request JSON ('-' for stdin)")
    .action(async (options: { file: string }) => {
      const result = await client().plan(readRequest(options.file));
      if (!result.valid || result.plan === null) {
        console.error(formatViolations(result.violations));
        process.exitCode = exitCodes.invalid;
        return;
      }
      console.log(formatPlan(result.plan));
    });

  waitOptions(
    program
      .command("create")
      .description("validate, plan and start provisioning")
      .requiredOption("-f, --file <file>", "request JSON ('-' for stdin)"),
  ).action(async (options: { file: string; wait?: boolean; timeout: string; pollInterval?: string }) => {
    const api = client();
    const accepted = await api.create(readRequest(options.file));
    console.log(`accepted ${accepted.id}  ${accepted.statusUrl}`);
    if (options.wait !== true) return;
    process.exitCode = await waitAndReport(api, accepted.id, options);
  });

  program
    .command("status <id>")
    .description("show a run: steps, resources, role checks, IP verification")
    .option("--json", "print the status document as JSON")
    .action(async (id: string, options: { json?: boolean }) => {
      const { document } = await client().status(id);
      console.log(options.json === true ? JSON.stringify(document, null, 2) : formatStatus(document));
    });

  program
    .command("list")
    .description("list runs, newest first")
    .option("--status <status>", "only runs in this status")
    .action(async (options: { status?: string }) => {
      const page = await client().list(options.status);
      console.log(formatList(page.items));
    });

  waitOptions(
    program
      .command("delete <id>")
      .description("tear down the cluster (or, with --resource-group, its whole resource group)")
      .option("--resource-group", "delete the whole resource group"),
  ).action(
    async (
      id: string,
      options: { resourceGroup?: boolean; wait?: boolean; timeout: string; pollInterval?: string },
    ) => {
      const api = client();
      const accepted = await api.delete(id, options.resourceGroup === true ? "resourceGroup" : "cluster");
      console.log(`deleting ${accepted.id}  ${accepted.statusUrl}`);
      if (options.wait !== true) return;
      process.exitCode = await waitAndReport(api, id, options);
    },
  );

  program
    .command("cancel <id>")
    .description("stop a running run")
    .action(async (id: string) => {
      const accepted = await client().cancel(id);
      console.log(`canceled ${accepted.id}`);
    });

  return program;
}

/** --wait: follows the run with live progress, prints the outcome and returns the exit code. */
async function waitAndReport(
  api: ApiClient,
  id: string,
  options: { timeout: string; pollInterval?: string },
): Promise<number> {
  const final = await follow(api, id, {
    timeoutSeconds: Number(options.timeout),
    ...(options.pollInterval === undefined ? {} : { pollIntervalSeconds: Number(options.pollInterval) }),
    onUpdate: progressPrinter(process.stdout),
  });
  return report(final);
}

/** Prints the outcome and returns the exit code. */
export function report(document: StatusDocument): number {
  if (document.ipVerification !== null) console.log(formatIpVerification(document));
  if (document.status === "Succeeded" || document.status === "Deleted") {
    console.log(`${document.status}: ${document.request?.clusterName ?? document.id}`);
    return exitCodes.ok;
  }
  console.error(
    `${document.status}${document.error === null ? "" : ` at step ${document.error.step}: ${document.error.code}: ${document.error.message}`}`,
  );
  return exitCodes.failed;
}

export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : exitCodes.ok;
  } catch (error) {
    if (error instanceof ApiError) {
      console.error(`${error.status} ${error.problem?.title ?? ""}: ${error.message}`);
      if (error.problem?.errors !== undefined && error.problem.errors.length > 0)
        console.error(formatViolations(error.problem.errors));
      return error.status === 400 ? exitCodes.invalid : exitCodes.unreachable;
    }
    if (error instanceof ConnectionError) {
      console.error(error.message);
      return exitCodes.unreachable;
    }
    const code = (error as { code?: string; exitCode?: number }).code;
    if (typeof code === "string" && code.startsWith("commander.")) {
      return code === "commander.helpDisplayed" || code === "commander.version" ? exitCodes.ok : exitCodes.invalid;
    }
    console.error(error instanceof Error ? error.message : String(error));
    return exitCodes.invalid;
  }
}
