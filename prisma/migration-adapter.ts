/**
 * The driver adapter the Prisma CLI (migrate, status) uses with the WebAssembly
 * schema engine (`engine: "js"` in prisma.config.ts), so no engine binary is ever
 * downloaded. It works around two bugs of @prisma/adapter-pg 6.19.3 that only the
 * CLI meets; the runtime client needs neither. Re-check both when upgrading Prisma.
 *
 * 1. Catalog queries return columns of type `name` (OID 19) and `"char"` (OID 18),
 *    which the adapter cannot map ("Column type 'name' could not be deserialized"):
 *    results are relabelled as `text` (OID 25).
 * 2. `connectToShadowDb()` spreads `{ database }` under a `connectionString` that
 *    wins, so the "shadow" is the main database, and it drops the shadow before
 *    ending its pool: the shadow URL is built here, its pool disposed first, and
 *    it is dropped WITH (FORCE).
 */
import { randomUUID } from 'node:crypto'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'

const NAME_OID = 19
const CHAR_OID = 18
const TEXT_OID = 25

function relabelCatalogTypes(res: pg.QueryResult | undefined) {
  for (const field of res?.fields ?? []) {
    if (field.dataTypeID === NAME_OID || field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID
  }
  return res
}

class CatalogTextClient extends pg.Client {
  // pg's overloaded query() cannot be narrowed in a subclass: forward everything,
  // relabelling results both for promise callers and for the pool's callback form.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: pg's overloads
  override query(...args: any[]): any {
    const callback = args.at(-1)
    if (typeof callback === 'function') {
      args[args.length - 1] = (err: Error | null, res: pg.QueryResult) => callback(err, relabelCatalogTypes(res))
      return (super.query as (...a: unknown[]) => unknown)(...args)
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args)
    return result instanceof Promise ? result.then(relabelCatalogTypes) : result
  }
}

function poolConfig(connectionString: string): pg.PoolConfig {
  // allowExitOnIdle: otherwise every CLI command waits on idle connections before exiting.
  return { connectionString, Client: CatalogTextClient, allowExitOnIdle: true }
}

class MigrationPg extends PrismaPg {
  constructor(private readonly connectionString: string) {
    super(poolConfig(connectionString))
  }

  override async connectToShadowDb() {
    const main = await this.connect()
    const database = `prisma_shadow_${randomUUID().replaceAll('-', '')}`
    await main.executeScript(`CREATE DATABASE "${database}"`)
    const shadowUrl = new URL(this.connectionString)
    shadowUrl.pathname = `/${database}`
    const shadow = await new PrismaPg(poolConfig(shadowUrl.toString())).connect()
    const disposeShadow = shadow.dispose.bind(shadow)
    shadow.dispose = async () => {
      await disposeShadow()
      await main.executeScript(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
      await main.dispose()
    }
    return shadow
  }
}

export function migrationAdapter(connectionString: string) {
  return new MigrationPg(connectionString)
}
