/**
 * Prometheus metrics (prom-client, one registry per service): webhooks by event and outcome,
 * runs by kind and state, queue depth, webhook → start and run duration histograms, the last
 * success time of each periodic job. Gauges read the store when scraped.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../store/store.js';

export interface Metrics {
  registry: Registry;
  webhooks: Counter<'event' | 'outcome'>;
  webhookToStart: Histogram<'kind'>;
  runDuration: Histogram<'kind' | 'state'>;
}

export function createMetrics(store: Store): Metrics {
  const registry = new Registry();
  const webhooks = new Counter({ name: 'plumbing_webhooks_total', help: 'Webhook deliveries received, by event and outcome', labelNames: ['event', 'outcome'] as const, registers: [registry] });
  const webhookToStart = new Histogram({
    name: 'plumbing_webhook_to_start_seconds', help: 'From the delivery to the run starting', labelNames: ['kind'] as const, registers: [registry],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
  });
  const runDuration = new Histogram({
    name: 'plumbing_run_duration_seconds', help: 'Run duration, by kind and final state', labelNames: ['kind', 'state'] as const, registers: [registry],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600, 7200],
  });
  new Gauge({
    name: 'plumbing_runs', help: 'Runs in the store, by kind and state', labelNames: ['kind', 'state'] as const, registers: [registry],
    async collect() {
      this.reset();
      for (const r of await store.countRunsBy()) this.set({ kind: r.kind, state: r.state }, r.n);
    },
  });
  new Gauge({
    name: 'plumbing_queue_depth', help: 'Runs waiting in the queue', registers: [registry],
    async collect() {
      this.set(await store.queueDepth());
    },
  });
  new Gauge({
    name: 'plumbing_periodic_last_success_timestamp_seconds', help: 'When each periodic job last succeeded', labelNames: ['job'] as const, registers: [registry],
    async collect() {
      this.reset();
      for (const r of await store.lastPeriodicSuccess()) this.set({ job: r.job }, Date.parse(r.finished) / 1000);
    },
  });
  return { registry, webhooks, webhookToStart, runDuration };
}
