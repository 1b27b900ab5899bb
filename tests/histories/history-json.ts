/**
 * Reads and writes the recorded histories in this folder.
 *
 * The SDK's own historyToJSON/historyFromJSON cannot be used here: npm installs a
 * separate copy of protobufjs under @temporalio/common and @temporalio/proto (the
 * top level holds grpc's protobufjs 7), and protojson's `instanceof Type` check
 * fails across copies ("type must be a Type"). The files are therefore protobufjs'
 * plain-object form of temporal.api.history.v1.History (int64 and bytes as strings,
 * enums by name), which @temporalio/proto turns back into a History message that
 * Worker.runReplayHistories takes as it is.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import proto from '@temporalio/proto'

const { temporal } = proto

type History = proto.temporal.api.history.v1.IHistory

export const HISTORIES_DIR = path.dirname(fileURLToPath(import.meta.url))

const objectOptions = { longs: String, enums: String, bytes: String } as const

export async function writeHistory(file: string, history: History): Promise<void> {
  const message = temporal.api.history.v1.History.fromObject(history)
  const json = temporal.api.history.v1.History.toObject(message, objectOptions)
  await writeFile(file, JSON.stringify(json, null, 1) + '\n')
}

export async function readHistory(file: string): Promise<History> {
  return temporal.api.history.v1.History.fromObject(JSON.parse(await readFile(file, 'utf8')))
}

/** Every recorded history, as `{ workflowId, history }` for Worker.runReplayHistories. */
export async function recordedHistories(): Promise<{ workflowId: string; file: string; history: History }[]> {
  const files = (await readdir(HISTORIES_DIR)).filter((name) => name.endsWith('.json')).sort()
  return await Promise.all(
    files.map(async (name) => ({
      file: name,
      workflowId: name.replace(/\.json$/, ''),
      history: await readHistory(path.join(HISTORIES_DIR, name)),
    })),
  )
}
