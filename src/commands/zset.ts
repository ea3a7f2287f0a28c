/** zset commands (placeholder until implemented). */

import type { CommandSpec } from "./table.ts";

/** Rows of the zset group. */
export const zsetCommands: CommandSpec[] = [];
