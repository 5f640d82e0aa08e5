import { Counter, Gauge, type Registry } from 'prom-client'

/** Prometheus metrics of the event cursors, labelled by chain. */
export type CursorMetrics = {
  /** The last block each cursor fully processed. */
  block: Gauge<'chain_id'>
  /** Blocks between the cursor and `head − confirmations` after its last step. */
  lag: Gauge<'chain_id'>
  /** Current `eth_getLogs` range size (blocks). */
  range: Gauge<'chain_id'>
  /** Reorgs detected. */
  reorgs: Counter<'chain_id'>
  /** Blocks rewound by reorgs. */
  reorgDepth: Counter<'chain_id'>
  /** Events handed to the consumer, by kind. */
  events: Counter<'chain_id' | 'kind'>
  /** Failed steps (retried after a backoff). */
  errors: Counter<'chain_id' | 'kind'>
}

const byRegistry = new WeakMap<Registry, CursorMetrics>()

/** The cursor metrics registered in `registry`, created once per registry. */
export function createCursorMetrics(registry: Registry): CursorMetrics {
  const existing = byRegistry.get(registry)
  if (existing) return existing
  const registers = [registry]
  const metrics: CursorMetrics = {
    block: new Gauge({
      name: 'xmargin_cursor_block',
      help: 'Last block the event cursor fully processed.',
      labelNames: ['chain_id'] as const,
      registers,
    }),
    lag: new Gauge({
      name: 'xmargin_cursor_lag_blocks',
      help: 'Blocks between the cursor and head minus confirmations.',
      labelNames: ['chain_id'] as const,
      registers,
    }),
    range: new Gauge({
      name: 'xmargin_cursor_range_blocks',
      help: 'Current eth_getLogs range size of the cursor.',
      labelNames: ['chain_id'] as const,
      registers,
    }),
    reorgs: new Counter({
      name: 'xmargin_cursor_reorgs_total',
      help: 'Reorgs the cursor detected and rewound.',
      labelNames: ['chain_id'] as const,
      registers,
    }),
    reorgDepth: new Counter({
      name: 'xmargin_cursor_reorg_blocks_total',
      help: 'Blocks rewound by reorgs.',
      labelNames: ['chain_id'] as const,
      registers,
    }),
    events: new Counter({
      name: 'xmargin_cursor_events_total',
      help: 'Events the cursor handed to its consumer, by kind.',
      labelNames: ['chain_id', 'kind'] as const,
      registers,
    }),
    errors: new Counter({
      name: 'xmargin_cursor_errors_total',
      help: 'Cursor steps that failed and were retried, by error name.',
      labelNames: ['chain_id', 'kind'] as const,
      registers,
    }),
  }
  byRegistry.set(registry, metrics)
  return metrics
}
