/**
 * The declared dependency order of Framewise (ARCHITECTURE.md, "Dependency order"), enforced by `npm run lint`.
 * A module may import modules of its own layer or of layers listed BEFORE it, never after. Import cycles are
 * refused everywhere, type-only imports included (`tsPreCompilationDeps`).
 *
 * Capabilities are layers of their own, in the order of `core/capabilities.ts`: a capability uses those before
 * it directly, never one after it (that one uses it, or they meet through `Services`).
 * `<folder>/types.ts` files are the contract's plain data types: anyone may import them, and they import
 * nothing but other `types.ts` files and the layers below every capability (`util/`, `ffmpeg/`).
 */
const capabilityOrder = [
  'segments',
  'patient',
  'library',
  'ocr',
  'predict',
  'review',
  'speech',
  'timed-masks',
  'anonymize',
  'audio',
  'convert',
  'scenes',
  'clips',
  'similar',
  'subtitles',
];

const layers = [
  { name: 'util', path: '^core/util/' },
  // Process liveness (a pure function also registered as SQL on every connection) sits with the database.
  { name: 'db', path: '^core/(db/|jobs/liveness\\.ts$)' },
  { name: 'events, ffmpeg, media', path: '^core/(events/(?!feed\\.ts$)|ffmpeg/|media/)' },
  // The cross-process change feed re-reads job rows, so it sits with the job machinery.
  {
    name: 'job and settings machinery, change feed',
    path: '^core/(jobs/(?!index\\.ts$|cli/|kind\\.ts$|liveness\\.ts$)|settings/(?!index\\.ts$|cli/)|events/feed\\.ts$)',
  },
  {
    name: 'kernel (Services, the capability contract, CLI framework)',
    path: '^core/((services|command-registry|handle|capability|paths)\\.ts$|jobs/kind\\.ts$|cli/(command|output|wait)\\.ts$)',
  },
  { name: 'settings and jobs capabilities', path: '^core/(settings|jobs)/(index\\.ts$|cli/)' },
  ...capabilityOrder.map((c) => ({ name: `capability ${c}`, path: `^core/${c}/` })),
  { name: 'composition (capability list, api)', path: '^core/((capabilities|library-db)\\.ts$|api/)' },
  { name: 'Core', path: '^core/core\\.ts$' },
  { name: 'hosts (CLI entry, bridge, Electron)', path: '^(core/(cli/(main\\.ts$|commands/)|bridge/)|electron/)' },
];

const contractTypes = '^core/(?!api/)[^/]+/types\\.ts$';

const orderRules = layers.slice(0, -1).map((layer, i) => ({
  name: `order: ${layer.name}`,
  comment: `${layer.name} may not import a later layer (${layers
    .slice(i + 1)
    .map((l) => l.name)
    .join('; ')})`,
  severity: 'error',
  from: { path: layer.path, pathNot: contractTypes },
  to: { path: layers.slice(i + 1).map((l) => `(${l.path})`), pathNot: contractTypes },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'Import cycles (type-only imports count) make layers meaningless and modules untestable alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...orderRules,
    {
      name: 'contract types are leaves',
      comment: '`types.ts` files import only other `types.ts` files and the layers below every capability (util/, ffmpeg/).',
      severity: 'error',
      from: { path: contractTypes },
      to: { path: '^(core|electron|renderer)/', pathNot: [contractTypes, '^core/(util|ffmpeg)/'] },
    },
    {
      name: 'core stays below its hosts',
      comment: 'core/ never imports electron/ or renderer/.',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^(electron|renderer)/' },
    },
    {
      name: 'renderer talks to the core only through the API',
      comment: 'The renderer imports the API types (core/api/) only, never the engine (eslint also requires `import type`).',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(core|electron)/', pathNot: ['^core/api/'] },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
