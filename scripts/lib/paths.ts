import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
/** Git-ignored folder for tools the project builds itself (the Temporal CLI, the test server). */
export const toolsDir = path.join(projectRoot, '.tools')
export const binDir = path.join(projectRoot, 'node_modules', '.bin')
