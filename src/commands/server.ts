/** server commands (placeholder until implemented). */

import type { CommandSpec } from "./table.ts";

/** Rows of the server group. */
export const serverCommands: CommandSpec[] = [];
