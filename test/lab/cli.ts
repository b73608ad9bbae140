// `npm run lab -- <command>`: the SIP lab by hand, for manual test calls.
//   up [--no-auth] [--port-base N] [--keep]   start it and wait for Ctrl-C
//   check                                      say which Debian packages are missing
import { parseArgs } from 'node:util';
import { startLab } from './lab.js';
import { kamailioControlSocket } from './kamailio.js';
import { labTools, missingLabTools } from './preflight.js';

/** The far ends a hand-started lab offers, by request-URI user. */
const namedFarEnds = {
  'uas-183': 'uas-reliable-183',
  'uas-ringing': 'uas-ringing-answer',
  'uas-busy': 'uas-busy',
  'uas-no-answer': 'uas-no-answer',
  'uas-ringing-forever': 'uas-ringing-forever',
};

const usage = `Usage: npm run lab -- up [--no-auth] [--port-base N] [--keep]
       npm run lab -- check`;

async function up(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: {
    'no-auth': { type: 'boolean', default: false },
    'port-base': { type: 'string' },
    keep: { type: 'boolean', default: false },
  } });
  const portBase = values['port-base'] === undefined ? undefined : Number(values['port-base']);
  if (portBase !== undefined && !(Number.isInteger(portBase) && portBase > 1024 && portBase < 65000)) {
    console.error(`lab: --port-base must be a port number between 1025 and 64999, not '${values['port-base']}'`);
    return 2;
  }
  console.log('lab: starting Kamailio, rtpengine, SIPp far ends and a capture ...');
  const lab = await startLab({
    name: 'manual', auth: !values['no-auth'], farEnds: namedFarEnds,
    ...(portBase === undefined ? {} : { portBase }),
  });
  const { ports } = lab.proxy;
  const lines = [
    '',
    'Callscope SIP lab is up (loopback only). Ctrl-C stops it.',
    '',
    `  WebSocket   ${lab.proxy.wssUrl}  (CA: ${lab.proxy.caFile})`,
    `              ${lab.proxy.wsUrl}`,
    `  SIP         sip:127.0.0.1:${ports.udp} (UDP)  sip:127.0.0.1:${ports.tcp};transport=tcp  sips:127.0.0.1:${ports.tls}`,
    `  domain      ${lab.proxy.realm}  (digest auth ${lab.proxy.auth ? 'on' : 'off'}, realm ${lab.proxy.realm})`,
    `  accounts    ${lab.accounts.map((a) => `${a.user} / ${a.password}`).join(', ')}`,
    '  far ends    ' + Object.entries(namedFarEnds).map(([name, scenario]) => `sip:${name}@${lab.proxy.realm} (${scenario})`).join('\n              '),
    `  kamcmd      kamcmd -s unix:${kamailioControlSocket(ports.udp)} ul.dump`,
    `  files       ${lab.dir}`,
    '',
  ];
  console.log(lines.join('\n'));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const kept = await lab.stop({ keepArtifacts: values.keep });
  console.log(kept ? `lab: stopped; logs and capture kept in ${kept}` : 'lab: stopped');
  return 0;
}

function check(): number {
  const missing = missingLabTools();
  for (const tool of labTools) {
    console.log(`${missing.includes(tool) ? 'missing' : 'ok     '}  ${tool.debianPackage.padEnd(28)} ${tool.purpose}`);
  }
  if (missing.length > 0) console.log('\nInstall with: npm run lab:install  (as root, or with sudo)');
  return missing.length > 0 ? 1 : 0;
}

const [command, ...rest] = process.argv.slice(2);
try {
  process.exitCode = command === 'up' ? await up(rest) : command === 'check' ? check() : (console.error(usage), 2);
} catch (error) {
  console.error(`lab: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
