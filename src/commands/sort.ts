/** sort commands (placeholder until implemented). */

import type { CommandSpec } from "./table.ts";

/** Rows of the sort group. */
export const sortCommands: CommandSpec[] = [];
