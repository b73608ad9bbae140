// ESLint flat config. Beyond the recommended rules it enforces the layering of
// docs/architecture.md: src/ is the SIP stack (no Electron, no DOM, no app
// layers) whose folders import only the layers below them (eslint-layers.js),
// renderer/ is the web UI (no Node modules).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';
import { layersPlugin } from './eslint-layers.js';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage',
  'HTMLElement', 'RTCPeerConnection', 'MediaStream', 'location', 'alert'];

export const layeringRules = {
  src: {
    'callscope/layers': 'error',
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
        { regex: '(^|/)(src/|main/(?!contract/))', allowTypeImports: true,
          message: 'renderer/ may import the contract (main/contract/), and only types from the rest of src/ or main/.' },
      ],
    }],
  },
  contract: {
    'no-restricted-imports': ['error', {
      paths: nodeBuiltins.map((name) => ({ name, message: 'main/contract/ is shared with the renderer: no Node modules.' })),
      patterns: [
        { group: ['electron', 'electron/*'], message: 'main/contract/ is shared with the renderer: no electron.' },
        { group: ['**/src/**'], allowTypeImports: true, message: 'main/contract/ may only import types from src/.' },
        { regex: '^\\.\\./(?!\\.\\./src/)', message: 'main/contract/ imports nothing else of main/: the host depends on it, not the other way.' },
      ],
    }],
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.lab/**', 'src/message/fast/wasm/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Type-aware: a switch over a union names every member, or has a default that says what the rest get.
    files: ['src/**/*.ts', 'main/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json', './main/tsconfig.preload.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: true }],
    },
  },
  { files: ['src/**/*.ts'], plugins: { callscope: layersPlugin }, rules: layeringRules.src },
  { files: ['main/contract/**/*.ts'], rules: layeringRules.contract },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: layeringRules.renderer,
  },
);
