// autocannon ships no types: what the benchmarks use of its promise API.
declare module 'autocannon' {
  interface Stats {
    average: number;
    p50: number;
    p99: number;
    max: number;
  }
  namespace autocannon {
    interface Result {
      requests: Stats;
      latency: Stats;
      throughput: Stats;
      non2xx: number;
      errors: number;
      timeouts: number;
      duration: number;
    }
  }
  function autocannon(opts: Record<string, unknown>): Promise<autocannon.Result>;
  export default autocannon;
}
