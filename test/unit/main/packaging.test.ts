// electron-builder.yml, checked without building installers (that needs the Electron
// binary): valid against electron-builder's own JSON schema (app-builder-lib's
// scheme.json), with the fuses, link schemes, icons and macOS microphone text the app
// relies on, and the Linux .desktop entry electron-builder writes from it.
import { Ajv } from 'ajv';
import yaml from 'js-yaml';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { LINK_SCHEMES } from '../../../main/desktop/link-target.js';

const require = createRequire(import.meta.url);
const root = new URL('../../../', import.meta.url);
// The parsed YAML, read field by field below; the schema test is what vouches for its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const config = yaml.load(readFileSync(new URL('electron-builder.yml', root), 'utf8')) as Record<string, any>;
const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
const packageJson = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { desktopName: string; name: string };

// Compiled once (it takes seconds: the schema is large); strict off for its doc-only keywords.
const checkConfig = new Ajv({ allErrors: true, strict: false }).compile(schema);

function validate(candidate: unknown) {
  const valid = checkConfig(candidate);
  return { valid, errors: (checkConfig.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`) };
}

describe('electron-builder.yml', () => {
  it('is valid against electron-builder\'s schema', () => {
    expect(validate(config)).toEqual({ valid: true, errors: [] });
  });

  it('is checked by a schema that does catch mistakes', () => {
    expect(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNode: 'no' } }).valid).toBe(false);
    expect(validate({ ...config, electronFuse: {} }).valid).toBe(false);
    expect(validate({ ...config, protocols: [{ schemes: ['sip'] }] }).valid).toBe(false);
  });

  it('flips the fuses: no running as Node, no NODE_OPTIONS, no --inspect, the app only from its asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it('registers exactly the link schemes the app parses', () => {
    const schemes = (config.protocols as { schemes: string[] }[]).flatMap((protocol) => protocol.schemes);
    expect(schemes).toEqual([...LINK_SCHEMES]);
  });

  it('builds AppImage and deb, NSIS, and dmg', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toContain('dmg');
  });

  it('asks for the microphone on macOS, with the audio-input entitlement under the hardened runtime', () => {
    expect(config.mac.extendInfo.NSMicrophoneUsageDescription).toMatch(/microphone/);
    expect(config.mac.hardenedRuntime).toBe(true);
    const entitlements = readFileSync(new URL(config.mac.entitlements as string, root), 'utf8');
    expect(entitlements).toMatch(/<key>com\.apple\.security\.device\.audio-input<\/key>\s*<true\/>/);
    expect(config.mac.entitlementsInherit).toBe(config.mac.entitlements);
  });

  it('takes every icon from assets/icon.png, 512 px, and ships the tray icons', () => {
    for (const platform of ['linux', 'mac', 'win']) expect(config[platform].icon, platform).toBe('assets/icon.png');
    const png = readFileSync(new URL('assets/icon.png', root));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    expect(config.files).toContain('assets/tray/*.png');
    expect(existsSync(new URL('assets/tray/tray-offline.png', root))).toBe(true);
  });

  it('keeps electron-builder\'s default deb dependencies (a depends list would replace them)', () => {
    expect(config.deb?.depends).toBeUndefined();
  });

  it('writes a .desktop entry that opens the app for sip:, sips:, tel: and callto: links', async () => {
    const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper.js') as {
      LinuxTargetHelper: { prototype: { computeDesktopEntry(this: unknown, options: unknown, exec?: string, extra?: unknown): Promise<string> } };
    };
    const packager = {
      appInfo: { productName: config.productName, sanitizedProductName: config.productName },
      executableName: config.linux.executableName,
      info: { metadata: { desktopName: packageJson.desktopName } },
      fileAssociations: [],
      config,
      platformSpecificBuildOptions: config.linux,
    };
    const entry = await LinuxTargetHelper.prototype.computeDesktopEntry.call({ packager, getDescription: () => 'Callscope' }, config.linux);
    expect(entry).toContain('MimeType=x-scheme-handler/sip;x-scheme-handler/sips;x-scheme-handler/tel;x-scheme-handler/callto;');
    expect(entry).toMatch(/^Exec=\/opt\/Callscope\/callscope %U$/m);
    expect(entry).toContain('StartupWMClass=callscope');
    expect(entry).toContain('Categories=Network;Telephony;');
  });
});
