// The same conformance suite on the real Durable extension: where the local host differs, the local host is wrong.
import { conformanceSuite } from "./conformanceSuite.js";

conformanceSuite("extension");
