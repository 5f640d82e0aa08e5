// The slice of autocannon 8's programmatic API the benchmark uses (the package ships no types).
declare module 'autocannon' {
  type Request = { method?: string; path: string; headers?: Record<string, string> }
  type Histogram = { average: number; mean: number; p50: number; p90: number; p99: number; max: number }
  export type Result = {
    requests: Histogram & { total: number; sent: number }
    latency: Histogram
    errors: number
    timeouts: number
    non2xx: number
    duration: number
  }
  type Options = {
    url: string
    connections?: number
    duration?: number
    pipelining?: number
    workers?: number
    requests?: Request[]
  }
  function autocannon(options: Options): Promise<Result>
  // biome-ignore lint/style/noDefaultExport: autocannon is a CommonJS module: its export is the default import
  export default autocannon
}
