import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { Connection } from '@temporalio/client'
import type { SearchAttributeType } from '@temporalio/common'
// CommonJS: its namespaces are only reachable through the default export under Node's ESM.
import proto from '@temporalio/proto'
import type { Env } from '../../lib/env.ts'
import { temporalConnectionOptions } from '../../lib/temporal.ts'
import { searchAttributes } from '../../workflows/ticket.messages.ts'
import { startSupervised, type Supervised } from './children.ts'
import { toolsDir } from './paths.ts'
import { assertPortFree, waitFor } from './ports.ts'
import { ActionableError } from './progress.ts'
import { runCommand } from './run.ts'

/** Pinned: the newest CLI whose go.mod has no replace directive, so `go install` accepts it. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1'
const projectCli = path.join(toolsDir, 'bin', 'temporal')

async function onPath(command: string): Promise<string | undefined> {
  const output = await runCommand('sh', ['-c', `command -v ${command}`]).catch(() => '')
  return output.trim() || undefined
}

/**
 * The Temporal CLI (it carries the dev server and the Web UI): the project's own
 * build, else one on PATH, else built once with `go install` (module downloads are
 * cached in Go's module cache, outside the clone).
 */
export async function ensureTemporalCli(report: (line: string) => void, signal?: AbortSignal): Promise<string> {
  if (existsSync(projectCli)) return projectCli
  const onPathCli = await onPath('temporal')
  if (onPathCli) return onPathCli
  if (!(await onPath('go')))
    throw new ActionableError(
      'The Temporal CLI is missing and Go is not installed to build it. Install Go (https://go.dev/doc/install or `apt-get install golang`), or put a `temporal` binary on PATH, or set TEMPORAL_ADDRESS to an existing cluster.',
    )
  report(`building ${TEMPORAL_CLI_MODULE} with go install (a few minutes, once)`)
  let downloads = 0
  await runCommand('go', ['install', TEMPORAL_CLI_MODULE], {
    env: { ...process.env, GOBIN: path.dirname(projectCli), GOFLAGS: '-mod=mod' },
    signal,
    onLine: (line) => {
      if (line.startsWith('go: downloading') && ++downloads % 25 === 0) report(`${downloads} modules downloaded…`)
    },
    hint: 'If the Go module proxy is unreachable, check GOPROXY/GOSUMDB (go env), then run `npm start` again.',
  })
  return projectCli
}

/**
 * The Temporal dev server, its state in `dbFile` (SQLite), so every workflow
 * survives a restart. Supervised: killed, it is started again on the same file
 * and ports, and the worker and the web server reconnect by themselves.
 */
export async function startTemporalDevServer(options: {
  cli: string
  port: number
  uiPort: number
  dbFile: string
  namespace: string
  signal?: AbortSignal
}): Promise<Supervised> {
  await assertPortFree(options.port, 'TEMPORAL_PORT')
  await assertPortFree(options.uiPort, 'TEMPORAL_UI_PORT')
  await mkdir(path.dirname(options.dbFile), { recursive: true })
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    '--db-filename',
    options.dbFile,
    // Write-ahead logging: a commit is one append instead of a rewritten journal,
    // and readers do not wait for writers. NORMAL syncs at checkpoints, which WAL
    // keeps safe against corruption (and a killed server); a power cut can lose the last moments.
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
  ]
  const address = `127.0.0.1:${options.port}`
  return await startSupervised(
    {
      name: 'Temporal dev server',
      command: options.cli,
      args,
      quiet: true,
      stopGraceMs: 10_000,
      ready: (_child, signal) =>
        waitFor(
          async () => {
            const connection = await Connection.connect({ address, connectTimeout: 1000 })
            await connection.close()
            return true
          },
          'The Temporal dev server',
          60_000,
          signal,
        ),
    },
    options.signal,
  )
}

type IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType
const { IndexedValueType } = proto.temporal.api.enums.v1

const indexedValueTypeOf: Record<SearchAttributeType, IndexedValueType> = {
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
}

/**
 * Search attribute keys as `operatorService.addSearchAttributes` takes them (name
 * to indexed value type), here and on the time-skipping test server.
 */
export function indexedValueTypes(keys: { name: string; type: SearchAttributeType }[]): Record<string, IndexedValueType> {
  return Object.fromEntries(keys.map((key) => [key.name, indexedValueTypeOf[key.type]]))
}

/**
 * Registers the custom search attributes the ticket workflow upserts (declared
 * once, in workflows/ticket.messages.ts), on a dev server or a cluster alike.
 */
export async function ensureSearchAttributes(env: Env): Promise<string[]> {
  const connection = await Connection.connect(await temporalConnectionOptions(env))
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace: env.TEMPORAL_NAMESPACE,
    })
    const missing = Object.values(searchAttributes).filter((key) => !(key.name in (customAttributes ?? {})))
    if (missing.length > 0)
      await connection.operatorService.addSearchAttributes({
        namespace: env.TEMPORAL_NAMESPACE,
        searchAttributes: indexedValueTypes(missing),
      })
    return missing.map((key) => key.name)
  } finally {
    await connection.close()
  }
}
