// The CLI's process entry, from the sources (bin/callscope.js runs the built copy).
import { runCliProcess } from '../../src/cli/process.js';

await runCliProcess(process.argv.slice(2));
