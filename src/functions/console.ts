import { app } from "@azure/functions";
import { consoleHandler } from "../http/console.js";

/**
 * The web console's static files. Anonymous on purpose: the files hold no data, and every API call the page makes
 * carries the function key (or the Easy Auth session cookie).
 */
app.http("console", {
  route: "console/{*path}",
  methods: ["GET", "HEAD"],
  authLevel: "anonymous",
  handler: consoleHandler,
});
