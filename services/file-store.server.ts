/**
 * Where attachment bytes live: outside the database, addressed by an opaque
 * key. The local implementation writes under CASEWAY_DATA_DIR/files; a bucket
 * (S3, GCS, Azure Blob) implements the same four calls when the portal runs on
 * more than one machine.
 */
import { createReadStream } from 'node:fs'
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { Env } from '../lib/env.ts'

export interface FileStore {
  /** Stores the bytes under `key`, all or nothing. */
  put(key: string, bytes: Uint8Array): Promise<void>
  /** The bytes as a web stream, or null when nothing is stored under `key`. */
  get(key: string): Promise<ReadableStream<Uint8Array> | null>
  /** Removes the bytes; removing what is not there is not an error. */
  delete(key: string): Promise<void>
}

// Keys are ours (uuids joined by "/"), never a person's file name: nothing can climb out of the root.
const KEY = /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/

function checkKey(key: string): void {
  if (!KEY.test(key) || key.length > 200) throw new Error(`Invalid file store key: ${key}`)
}

export function localFileStore(root: string): FileStore {
  const fileOf = (key: string) => {
    checkKey(key)
    return path.join(root, ...key.split('/'))
  }
  return {
    async put(key, bytes) {
      const file = fileOf(key)
      await mkdir(path.dirname(file), { recursive: true })
      // Written beside the target and renamed: a reader never sees half a file.
      const partial = `${file}.partial-${process.pid}-${Date.now()}`
      await writeFile(partial, bytes, { flag: 'wx' })
      await rename(partial, file)
    },
    async get(key) {
      const file = fileOf(key)
      try {
        if (!(await stat(file)).isFile()) return null
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
        throw error
      }
      return Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>
    },
    async delete(key) {
      await rm(fileOf(key), { force: true })
    },
  }
}

const stores = new Map<string, FileStore>()

/** The portal's store: CASEWAY_DATA_DIR/files. */
export function fileStoreFor(env: Pick<Env, 'dataDir'>): FileStore {
  const root = path.join(env.dataDir, 'files')
  let store = stores.get(root)
  if (!store) stores.set(root, (store = localFileStore(root)))
  return store
}
