/**
 * The layering of DESIGN.md, checked: arrows point down only, never up or sideways into another
 * application; folders import each other only through their index.ts; no cycles.
 *
 *   management   api/ ops/
 *   applications flows/ routing/ cases/ voicemail/ recordings/ reports/ billing/ directory/
 *   calls        calls/
 *   access       sip/ sdp/ media/ channels/
 *   support      store/ cluster/ events/
 *   shared leaves config.ts errors.ts (import nothing of the layers)
 */
const management = '^src/(api|ops)/';
const applications = '^src/(flows|routing|cases|voicemail|recordings|reports|billing|directory)/';
const calls = '^src/calls/';
const access = '^src/(sip|sdp|media|channels)/';
const support = '^src/(store|cluster|events)/';

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'support-stays-at-the-bottom',
      comment: 'store/, cluster/ and events/ serve everyone and import nothing above them',
      severity: 'error',
      from: { path: support },
      to: { path: [management, applications, calls, access] },
    },
    {
      name: 'access-knows-no-calls-or-applications',
      comment: 'sip/, sdp/, media/ and channels/ know protocols, not tenants, calls or applications',
      severity: 'error',
      from: { path: access },
      to: { path: [management, applications, calls] },
    },
    {
      name: 'media-knows-no-sip',
      comment: 'media/ knows RTP and audio and nothing about SIP',
      severity: 'error',
      from: { path: '^src/media/' },
      to: { path: '^src/(sip|sdp)/' },
    },
    {
      name: 'calls-know-no-applications',
      severity: 'error',
      from: { path: calls },
      to: { path: [management, applications] },
    },
    {
      name: 'applications-do-not-reach-up',
      severity: 'error',
      from: { path: applications },
      to: { path: management },
    },
    {
      name: 'applications-do-not-reach-sideways',
      comment: 'an application uses calls/ and store/, not another application; directory/ is the shared register every application may read',
      severity: 'error',
      from: { path: '^src/(flows|routing|cases|voicemail|recordings|reports|billing|directory)/' },
      to: {
        path: '^src/(flows|routing|cases|voicemail|recordings|reports|billing)/',
        pathNot: ['^src/$1/'],
      },
    },
    {
      name: 'ops-does-not-reach-into-api',
      severity: 'error',
      from: { path: '^src/ops/' },
      to: { path: '^src/api/' },
    },
    {
      name: 'leaves-import-no-layer',
      comment: 'config.ts, errors.ts and literal-lookup.ts are imported by every layer, so they import none',
      severity: 'error',
      from: { path: '^src/(config|errors|literal-lookup)\\.ts$' },
      to: { path: '^src/[^/]+/' },
    },
    {
      name: 'nothing-imports-main',
      severity: 'error',
      from: {},
      to: { path: '^src/main\\.ts$' },
    },
    {
      name: 'folders-meet-through-index',
      comment: 'another folder is used only through its index.ts',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/([^/]+)/.+', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-orphans',
      comment: 'a source file nobody imports is dead code',
      severity: 'error',
      from: { orphan: true, pathNot: ['^src/main\\.ts$', '\\.d\\.ts$'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
