/** hash commands (placeholder until implemented). */

import type { CommandSpec } from "./table.ts";

/** Rows of the hash group. */
export const hashCommands: CommandSpec[] = [];
