import type { CliCommand } from './command.js';
import { analyzeCommand } from './analyze-command.js';
import { callCommand } from './call-command.js';
import { listenCommand } from './listen-command.js';
import { parseCommand } from './parse-command.js';
import { testlineCommand } from './testline-command.js';

/**
 * Every sub-command of `callscope`, in the order `--help` lists them.
 * Later layers add theirs here (parse, call, listen, analyze, testline).
 */
export const commands: readonly CliCommand[] = [parseCommand, callCommand, listenCommand, analyzeCommand, testlineCommand];
