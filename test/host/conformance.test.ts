import { conformanceSuite } from "./conformanceSuite.js";

conformanceSuite("local");
