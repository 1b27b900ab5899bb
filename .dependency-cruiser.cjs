/**
 * The import rules of docs/architecture.md, checked by `npm run lint`
 * (part of `npm test`). Each rule's comment is what a failing import is told.
 */
const tests = '(^tests/|\\.test\\.tsx?$)'

module.exports = {
  forbidden: [
    {
      name: 'services-stand-alone',
      comment: 'services/ is shared by the portal, the API, the CLI, the seed and the worker: it never imports web/, Remix or Express.',
      severity: 'error',
      from: { path: '^services/' },
      to: { path: ['^web/', 'node_modules/(@types/)?(express|@remix-run)/'] },
    },
    {
      name: 'api-and-portal-apart',
      comment:
        'web/api and web/app never import each other: what both need goes in web/shared/ or services/ (only web/server wires them together).',
      severity: 'error',
      from: { path: '^web/(api|app)/' },
      to: { path: '^web/(api|app)/', pathNot: '^web/$1/' },
    },
    {
      name: 'shared-web-imports-no-edge',
      comment: 'web/shared/ is what both web edges use: it imports neither of them, nor the server.',
      severity: 'error',
      from: { path: '^web/shared/' },
      to: { path: '^web/(api|app|server)/' },
    },
    {
      name: 'tools-use-services-not-web',
      comment: 'scripts/, prisma/ and bench/ reach tickets through services/, never through web/.',
      severity: 'error',
      from: { path: '^(scripts|prisma|bench)/' },
      to: { path: '^web/' },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain/ imports nothing outside itself but its libraries (luxon, zod): no I/O, no Node APIs.',
      severity: 'error',
      from: { path: '^domain/', pathNot: tests },
      to: { pathNot: ['^domain/', 'node_modules/(luxon|zod)/', 'node_modules/@types/'] },
    },
    {
      name: 'workflows-import-domain-only',
      comment:
        'Workflow code is deterministic and bundled for the sandbox: it imports domain/ and the Temporal SDK, never services/, lib/ or web/.',
      severity: 'error',
      from: { path: '^workflows/', pathNot: tests },
      to: { path: ['^(services|lib|web|scripts|worker)/', '^generated/'] },
    },
    {
      name: 'workflows-see-activities-as-types',
      comment: 'Workflows import activities only as types (import type), and call them through proxyActivities.',
      severity: 'error',
      from: { path: '^workflows/', pathNot: tests },
      to: { path: '^activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'activities-stand-alone',
      comment: "activities/ is the workflow's effects on the database: it never imports services/ or web/.",
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: '^(services|web)/' },
    },
    {
      name: 'lib-is-the-base',
      comment:
        "lib/ is what every process stands on (env, db, the Temporal connection, logs, mail): it imports domain/ and the workflows' contracts (workflows/*.messages.ts), never services/, activities/, web/, worker/ or workflow code.",
      severity: 'error',
      from: { path: '^lib/', pathNot: tests },
      to: { path: ['^(services|activities|web|worker|scripts)/', '^workflows/'], pathNot: '^workflows/[^/]+\\.messages\\.ts$' },
    },
    {
      name: 'no-unresolvable-imports',
      comment: 'This import does not resolve to a file.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules', '^generated/'] },
    exclude: { path: ['^build/', '^\\.data/', '^\\.tools/', '^tests/histories/foundation-workflow/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
}
