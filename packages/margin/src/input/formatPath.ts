/**
 * Renders a field path the way a user writes it.
 *
 * @example formatPath(['units', 0, 'options', 2, 'strike']) // 'units[0].options[2].strike'
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out ? `.${String(key)}` : String(key)
  }
  return out || '(root)'
}
