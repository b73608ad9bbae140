// Checks that the lab's Debian packages are installed, and says exactly what
// to install when they are not.
import { existsSync } from 'node:fs';

export interface LabTool {
  readonly binary: string;
  readonly debianPackage: string;
  readonly purpose: string;
}

export const labTools: readonly LabTool[] = [
  { binary: '/usr/sbin/kamailio', debianPackage: 'kamailio', purpose: 'SIP proxy and registrar' },
  { binary: '/usr/lib/x86_64-linux-gnu/kamailio/modules/websocket.so', debianPackage: 'kamailio-websocket-modules', purpose: 'WS/WSS (RFC 7118)' },
  { binary: '/usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so', debianPackage: 'kamailio-tls-modules', purpose: 'TLS and WSS' },
  { binary: '/usr/lib/x86_64-linux-gnu/kamailio/modules/rtpengine.so', debianPackage: 'kamailio-extra-modules', purpose: 'rtpengine control' },
  { binary: '/usr/bin/rtpengine', debianPackage: 'rtpengine-daemon', purpose: 'WebRTC <-> RTP media relay' },
  { binary: '/usr/bin/sipp', debianPackage: 'sip-tester', purpose: 'scripted SIP far ends (SIPp)' },
  { binary: '/usr/bin/tshark', debianPackage: 'tshark', purpose: 'SIP captures' },
  { binary: '/usr/bin/sngrep', debianPackage: 'sngrep', purpose: 'a second reader of exported captures' },
  { binary: '/usr/bin/linphonec', debianPackage: 'linphone-cli', purpose: 'a real far end and caller (liblinphone)' },
  { binary: '/usr/bin/baresip', debianPackage: 'baresip', purpose: 'a real far end and caller (baresip)' },
  { binary: '/usr/bin/openssl', debianPackage: 'openssl', purpose: 'lab certificates' },
];

export function missingLabTools(): LabTool[] {
  return labTools.filter((tool) => !existsSync(tool.binary));
}

/** Throws an error naming the packages to install when any lab tool is missing. */
export function assertLabToolsInstalled(): void {
  const missing = missingLabTools();
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((t) => t.debianPackage))].join(' ');
  throw new Error(
    `the SIP lab needs Debian packages that are not installed: ${packages}\n` +
    missing.map((t) => `  - ${t.binary} (${t.debianPackage}: ${t.purpose})`).join('\n') +
    `\nInstall them with: npm run lab:install   (or: sudo apt-get install -y ${packages})`,
  );
}
