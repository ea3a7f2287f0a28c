/** geo commands (placeholder until implemented). */

import type { CommandSpec } from "./table.ts";

/** Rows of the geo group. */
export const geoCommands: CommandSpec[] = [];
