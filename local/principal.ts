/**
 * `npm run principal -- <name> [--role <app role>]... [--group <group object id>]...`: a signed test principal for the
 * running local stack's Easy Auth front, to send as `Authorization: Bearer <token>` (the console and the CLI send it
 * the same way). The key comes from the stack's state folder (LOCAL_DATA_DIR, default .azurite/).
 */
import { parseArgs } from "node:util";
import { createEasyAuthFront } from "./easyAuthFront.js";
import { easyAuthKey } from "./stack.js";
import { stackDataDir } from "./stackState.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { role: { type: "string", multiple: true }, group: { type: "string", multiple: true } },
});
const name = positionals[0];
if (name === undefined || name === "") {
  console.error("usage: npm run principal -- <name> [--role <app role>]... [--group <group object id>]...");
  process.exit(2);
}
const front = createEasyAuthFront({
  signingKey: easyAuthKey(stackDataDir()),
});
console.log(front.sign({ name, roles: values.role ?? [], groups: values.group ?? [] }));
