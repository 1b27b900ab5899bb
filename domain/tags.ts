/**
 * Tags are freeform names the team puts on tickets. Two names that differ only
 * in case or spacing are the same tag: "welsh  la" joins "Welsh LA".
 */

/** The name as stored: trimmed, inner runs of whitespace made one space. */
export function tidyTagName(name: string): string {
  return name.trim().replace(/\s+/gu, ' ')
}

/** What makes two names the same tag: the tidied name, case-folded. */
export function tagKey(name: string): string {
  return tidyTagName(name).normalize('NFC').toLocaleLowerCase('en-GB')
}
