/** list commands (placeholder until implemented). */

import type { CommandSpec } from "./table.ts";

/** Rows of the list group. */
export const listCommands: CommandSpec[] = [];
