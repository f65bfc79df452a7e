/** The portal read bench on its own: one local host per process, so `npm run bench` runs this in a child process. */
import { benchApi } from "./api.js";

await benchApi();
