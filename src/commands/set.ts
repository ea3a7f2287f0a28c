/** set commands (placeholder until implemented). */

import type { CommandSpec } from "./table.ts";

/** Rows of the set group. */
export const setCommands: CommandSpec[] = [];
