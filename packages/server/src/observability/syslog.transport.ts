/**
 * Ships every log line to a central syslog collector (rsyslog, syslog-ng, Grafana Alloy's
 * syslog source) as RFC 5424 over TCP with octet-counting framing (RFC 6587 §3.4.1); the
 * message is the same JSON line stdout gets.
 * - Never blocks a request: `log` only queues. Lines wait in a bounded queue while the
 *   collector is unreachable or the socket is full (backpressure); past `maxQueued` the
 *   oldest are dropped and counted (`dropped`), reported on the next line that gets through.
 * - Reconnects by itself, at most one attempt per `reconnectMs`.
 * @see RFC 5424 §6 (message format), RFC 6587 §3.4.1 (octet counting)
 */
import net from 'node:net';
import os from 'node:os';
import Transport from 'winston-transport';

/** RFC 5424 severities by winston level; facility 16 (local0). */
const SEVERITY: Record<string, number> = { error: 3, warn: 4, info: 6, debug: 7 };
const FACILITY = 16;
/** How long lines gather before they go out in one write. */
const BATCH_MS = 20;
/** winston's formatted line (triple-beam's MESSAGE symbol). */
const MESSAGE = Symbol.for('message');

export interface SyslogTarget {
  host: string;
  port: number;
}

/** `syslog+tcp://host:port` → target; anything else is a configuration error. */
export function parseLogShipUrl(url: string): SyslogTarget {
  const parsed = new URL(url);
  if (parsed.protocol !== 'syslog+tcp:' || !parsed.hostname || !parsed.port) throw new Error('LOG_SHIP_URL must look like syslog+tcp://host:port');
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port) };
}

export interface SyslogOptions extends SyslogTarget {
  appName?: string;
  maxQueued?: number;
  reconnectMs?: number;
}

export class SyslogTcpTransport extends Transport {
  private socket: net.Socket | undefined;
  private linkUp = false;
  private canWrite = true;
  private queue: Buffer[] = [];
  private dropped = 0;
  private drainScheduled = false;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly hostname = os.hostname().replace(/\s/g, '-').slice(0, 255) || '-';
  private readonly appName: string;
  private readonly maxQueued: number;
  private readonly reconnectMs: number;

  constructor(private readonly target: SyslogOptions) {
    super();
    this.appName = target.appName ?? 'portcullis';
    this.maxQueued = target.maxQueued ?? 10_000;
    this.reconnectMs = target.reconnectMs ?? 1000;
    this.connect();
  }

  override log(info: Record<string | symbol, unknown>, callback: () => void): void {
    const formatted = info[MESSAGE];
    const line = typeof formatted === 'string' ? formatted : JSON.stringify(info);
    this.enqueue(this.frame(String(info.level), line));
    callback();
  }

  override close(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.socket?.end();
  }

  /** Resolves once the queue is written (or after `timeoutMs`): the last lines before exit. */
  async flush(timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.queue.length > 0 || (this.socket?.writableLength ?? 0) > 0) && this.linkUp && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private frame(level: string, message: string): Buffer {
    const pri = FACILITY * 8 + (SEVERITY[level] ?? 6);
    const body = Buffer.from(`<${pri}>1 ${new Date().toISOString()} ${this.hostname} ${this.appName} ${process.pid} - - ${message}`);
    return Buffer.concat([Buffer.from(`${body.length} `), body]);
  }

  private enqueue(frame: Buffer): void {
    if (this.dropped > 0 && this.linkUp && this.canWrite) {
      const note = this.frame('warn', JSON.stringify({ level: 'warn', message: 'log lines dropped while the collector was unreachable', dropped: this.dropped, timestamp: new Date().toISOString() }));
      this.dropped = 0;
      this.queue.push(note);
    }
    this.queue.push(frame);
    if (this.queue.length > this.maxQueued) this.dropped += this.queue.splice(0, this.queue.length - this.maxQueued).length;
    this.drain();
  }

  /**
   * Writes what is queued as one buffer at most every BATCH_MS: a write per line was one system
   * call per request, 3 % of an instance's CPU under load (docs/benchmarks.md). Lines reach the
   * collector that much later, which no reader of central logs notices.
   */
  private drain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setTimeout(() => {
      this.drainScheduled = false;
      if (this.linkUp && this.canWrite && this.queue.length > 0) {
        const lines = this.queue;
        this.queue = [];
        this.canWrite = this.socket!.write(lines.length === 1 ? lines[0]! : Buffer.concat(lines));
      }
    }, BATCH_MS).unref();
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = net.connect({ host: this.target.host, port: this.target.port });
    this.socket = socket;
    socket.setKeepAlive(true, 10_000);
    socket.on('connect', () => {
      this.linkUp = true;
      this.canWrite = true;
      this.drain();
    });
    socket.on('drain', () => {
      this.canWrite = true;
      this.drain();
    });
    // A failed write loses at most what the kernel had not sent; the queue keeps the rest.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.linkUp = false;
      if (this.stopped) return;
      this.retry = setTimeout(() => this.connect(), this.reconnectMs);
      this.retry.unref();
    });
    socket.unref();
  }
}
