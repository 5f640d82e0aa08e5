/**
 * `Promise.all(items.map(fn))` with at most `concurrency` calls in flight; results keep the input order and
 * the first rejection rejects the whole (calls already started still finish).
 *
 * @example await mapConcurrent(chunks, 4, (chunk) => read(chunk))
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index]!, index)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker))
  return results
}
