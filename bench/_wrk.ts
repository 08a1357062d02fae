/**
 * `parseWrk`: reads the summary `wrk --latency` prints, for the HTTP
 * benchmark in `run.ts`.
 *
 * @module
 */

const MS_PER_UNIT: Record<string, number> = { us: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };

/**
 * Reads `wrk --latency`'s summary: requests per second, the median and the
 * 99th percentile (wrk prints them as "301.00us", "1.20ms", "1.00s"), and
 * throws on any non-2xx/3xx answer or socket error (connect, read, write,
 * timeout), which wrk prints only when there are some.
 *
 * @param output wrk's stdout.
 * @param label What ran, for the error message.
 * @returns The figures of one run.
 */
export function parseWrk(
  output: string,
  label: string,
): { requestsPerSecond: number; p50Ms: number; p99Ms: number } {
  const fail = (why: string): never => {
    throw new Error(`${label}: ${why}\n${output}`);
  };
  const nonOk = Number(/^\s*Non-2xx or 3xx responses:\s*(\d+)/m.exec(output)?.[1] ?? 0);
  const socket = /^\s*Socket errors:\s*(.*)$/m.exec(output)?.[1];
  if (nonOk > 0) fail(`${nonOk} answers neither 2xx nor 3xx`);
  if (socket !== undefined && /[1-9]/.test(socket)) fail(`socket errors: ${socket}`);
  const percentile = (p: number) => {
    const match = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, "m").exec(output);
    if (match === null) return fail(`no ${p}% line in wrk's latency distribution`);
    // To whole microseconds, wrk's resolution, so that 301.00us is 0.301, not 0.30100000000000005.
    return Math.round(Number(match[1]) * (MS_PER_UNIT[match[2] as string] as number) * 1e3) / 1e3;
  };
  const rps = /^Requests\/sec:\s*([\d.]+)/m.exec(output)?.[1];
  if (rps === undefined) return fail("no Requests/sec line in wrk's output");
  return { requestsPerSecond: Number(rps), p50Ms: percentile(50), p99Ms: percentile(99) };
}
