/** FUNCTION and FCALL / FCALL_RO (Redis's functions.c). */

import type { CommandSpec } from "../server/command_table.ts";

/** Rows of FUNCTION, FCALL and FCALL_RO. */
export const functionCommands: CommandSpec[] = [];
