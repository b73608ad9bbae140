// ESLint flat config. Beyond the recommended rules it enforces the layering of
// ARCHITECTURE.md: src/ is the SIP stack (no Electron, no DOM, no app layers),
// renderer/ is the web UI (no Node modules).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage',
  'HTMLElement', 'RTCPeerConnection', 'MediaStream', 'location', 'alert'];

export const layeringRules = {
  src: {
    'no-restricted-imports': ['error', {
      patterns: [
        { group: ['**/main/**', '**/main', '**/renderer/**', '**/renderer'],
          message: 'src/ is the SIP stack: it must not import main/ or renderer/.' },
        { group: ['electron', 'electron/*'], message: 'src/ must not import electron.' },
        { group: ['react', 'react-dom', 'react-dom/*'], message: 'src/ must not import React.' },
      ],
    }],
    'no-restricted-globals': ['error', ...domGlobals.map((name) => ({
      name, message: 'src/ must not touch DOM globals.' }))],
  },
  renderer: {
    'no-restricted-imports': ['error', {
      paths: nodeBuiltins.map((name) => ({ name, message: 'renderer/ must not import Node modules.' })),
      patterns: [
        { group: ['electron', 'electron/*'], message: 'renderer/ talks to main only through the app API.' },
        { group: ['**/src/**', '**/main/**'], allowTypeImports: true,
          message: 'renderer/ may only import types from src/ or main/, never their code.' },
      ],
    }],
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.lab/**', 'src/message/wasm/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['src/**/*.ts'], rules: layeringRules.src },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: layeringRules.renderer,
  },
);
