// The arena's browser view. Speaks the gateway's protocol over WebSocket ([u16 LE type id][FlatBuffers payload] per
// binary frame): Hello -> Welcome, answers the server's heartbeat Pings, pings for RTT, sends Steer on key presses,
// and draws the View messages the arena sends viewers (plain floats; see examples/src/main/fbs/arena.fbs), with
// remote entities interpolated 100 ms behind the newest view.
import * as flatbuffers from 'flatbuffers';
import { Close, Ping, Pong } from '../gen/org/mmosdk/core/wire/fb.js';
import { Hello, Reject, Welcome } from '../gen/org/mmosdk/net/wire/fb.js';
import { Steer, View } from '../gen/org/mmosdk/examples/arena/fb.js';

const PING = 0x0001, PONG = 0x0002, CLOSE = 0x0003, HELLO = 0x0100, WELCOME = 0x0101, REJECT = 0x0102;
const SEQ = 0x0103;
const STEER = 0x1002, VIEW = 0x1003;
const PROTOCOL_VERSION = 1;
const INTERPOLATION_MS = 100;
const PIXELS_PER_METRE = 2;

interface Frame { at: number; selfX: number; selfY: number; tickNanos: number; players: number;
  ents: Map<number, { kind: number; x: number; y: number }>; }

const world = document.getElementById('world') as HTMLCanvasElement;
const ctx = world.getContext('2d') as CanvasRenderingContext2D;
const ticksCanvas = document.getElementById('ticks') as HTMLCanvasElement;
const tctx = ticksCanvas.getContext('2d') as CanvasRenderingContext2D;
const overlay = document.getElementById('overlay') as HTMLDivElement;
const stateEl = document.getElementById('state') as HTMLPreElement;

const frames: Frame[] = [];
const tickMs: number[] = [];
let status = 'connecting';
let sessionId = '';
let rttMs = -1;
let bytesThisSecond = 0;
let bytesPerSecond = 0;
let views = 0;
let pingSeq = 0;
const keys = new Set<string>();

function envelope(typeId: number, build: (b: flatbuffers.Builder) => number): Uint8Array {
  const b = new flatbuffers.Builder(128);
  b.finish(build(b));
  const payload = b.asUint8Array();
  const out = new Uint8Array(2 + payload.length);
  out[0] = typeId & 0xff;
  out[1] = typeId >>> 8;
  out.set(payload, 2);
  return out;
}

const nowNanos = (): bigint => BigInt(Math.round(performance.now() * 1e6));

async function main(): Promise<void> {
  const config = await (await fetch('./config.json')).json() as { wsPort: number; wsPath: string };
  const ws = new WebSocket(`ws://${location.hostname}:${config.wsPort}${config.wsPath}`);
  ws.binaryType = 'arraybuffer';
  const send = (bytes: Uint8Array): void => { if (ws.readyState === WebSocket.OPEN) ws.send(bytes); };

  ws.onopen = () => {
    status = 'handshake';
    send(envelope(HELLO, (b) => {
      const name = b.createString('viewer');   // the arena treats clients named "viewer…" as browser viewers
      Hello.startHello(b);
      Hello.addProtocolVersion(b, PROTOCOL_VERSION);
      Hello.addClientName(b, name);
      return Hello.endHello(b);
    }));
  };
  ws.onclose = (e) => { status = `closed (${e.code})`; };
  ws.onmessage = (e) => {
    const bytes = new Uint8Array(e.data as ArrayBuffer);
    bytesThisSecond += bytes.length;
    const type = bytes[0] | (bytes[1] << 8);
    const bb = new flatbuffers.ByteBuffer(bytes.subarray(2));
    switch (type) {
      case WELCOME:
        sessionId = Welcome.getRootAsWelcome(bb).sessionId().toString(16);
        status = 'live';
        break;
      case REJECT: {
        const r = Reject.getRootAsReject(bb);
        status = `rejected: ${r.reason()}`;
        break;
      }
      case CLOSE: {
        const c = Close.getRootAsClose(bb);
        status = `closed by server: ${c.reason()}`;
        break;
      }
      case PING: { // the server's heartbeat: answer it, or it closes us as idle
        const p = Ping.getRootAsPing(bb);
        send(envelope(PONG, (b) => Pong.createPong(b, p.seq(), p.sentNanos(), nowNanos())));
        break;
      }
      case PONG:
        rttMs = Number(nowNanos() - Pong.getRootAsPong(bb).echoNanos()) / 1e6;
        break;
      case VIEW:
        onView(View.getRootAsView(bb));
        break;
      case SEQ: // reliable-message numbering; a viewer receives nothing reliable
        break;
      default:
        break;
    }
  };

  setInterval(() => send(envelope(PING, (b) => Ping.createPing(b, ++pingSeq, nowNanos()))), 1000);
  setInterval(() => { bytesPerSecond = bytesThisSecond; bytesThisSecond = 0; }, 1000);

  let lastDx = 0, lastDy = 0, lastSteerAt = 0;
  const steer = (): void => {
    const dx = (keys.has('ArrowRight') || keys.has('d') ? 1 : 0) - (keys.has('ArrowLeft') || keys.has('a') ? 1 : 0);
    // screen y grows downwards, world y upwards
    const dy = (keys.has('ArrowUp') || keys.has('w') ? 1 : 0) - (keys.has('ArrowDown') || keys.has('s') ? 1 : 0);
    const now = performance.now();
    if (dx !== lastDx || dy !== lastDy || now - lastSteerAt > 500) {
      send(envelope(STEER, (b) => Steer.createSteer(b, dx, dy)));
      lastDx = dx; lastDy = dy; lastSteerAt = now;
    }
  };
  addEventListener('keydown', (e) => { keys.add(e.key.length === 1 ? e.key.toLowerCase() : e.key); steer(); });
  addEventListener('keyup', (e) => { keys.delete(e.key.length === 1 ? e.key.toLowerCase() : e.key); steer(); });
  setInterval(steer, 250);
  requestAnimationFrame(draw);
}

function onView(v: View): void {
  const ents = new Map<number, { kind: number; x: number; y: number }>();
  for (let i = 0, n = v.entitiesLength(); i < n; i++) {
    const e = v.entities(i);
    if (e) ents.set(e.id(), { kind: e.kind(), x: e.x(), y: e.y() });
  }
  frames.push({ at: performance.now(), selfX: v.selfX(), selfY: v.selfY(), tickNanos: v.tickNanos(), players: v.players(), ents });
  while (frames.length > 30) frames.shift();
  tickMs.push(v.tickNanos() / 1e6);
  while (tickMs.length > 160) tickMs.shift();
  views++;
}

/** The state INTERPOLATION_MS ago: between the two views around that moment. */
function sample(): Frame | null {
  if (frames.length === 0) return null;
  const t = performance.now() - INTERPOLATION_MS;
  let i = frames.length - 1;
  while (i > 0 && frames[i - 1].at > t) i--;
  const b = frames[i];
  const a = i > 0 ? frames[i - 1] : b;
  const f = a === b || b.at === a.at ? 1 : Math.min(1, Math.max(0, (t - a.at) / (b.at - a.at)));
  const lerp = (p: number, q: number): number => p + (q - p) * f;
  const ents = new Map<number, { kind: number; x: number; y: number }>();
  for (const [id, eb] of b.ents) {
    const ea = a.ents.get(id);
    ents.set(id, ea ? { kind: eb.kind, x: lerp(ea.x, eb.x), y: lerp(ea.y, eb.y) } : eb);
  }
  return { at: t, selfX: lerp(a.selfX, b.selfX), selfY: lerp(a.selfY, b.selfY), tickNanos: b.tickNanos, players: b.players, ents };
}

const COLORS = ['#5c5', '#49f', '#fd3'];

function draw(): void {
  const s = sample();
  ctx.clearRect(0, 0, world.width, world.height);
  let shown = 0;
  if (s) {
    const cx = world.width / 2, cy = world.height / 2;
    // grid every 50 m, fixed to the world
    ctx.strokeStyle = '#243824';
    ctx.beginPath();
    const step = 50 * PIXELS_PER_METRE;
    for (let gx = (cx - s.selfX * PIXELS_PER_METRE) % step; gx < world.width; gx += step) { ctx.moveTo(gx, 0); ctx.lineTo(gx, world.height); }
    for (let gy = (cy + s.selfY * PIXELS_PER_METRE) % step; gy < world.height; gy += step) { ctx.moveTo(0, gy); ctx.lineTo(world.width, gy); }
    ctx.stroke();
    const sorted = [...s.ents.entries()].sort((p, q) => p[1].kind - q[1].kind);
    for (const [, e] of sorted) {
      const x = cx + (e.x - s.selfX) * PIXELS_PER_METRE;
      const y = cy - (e.y - s.selfY) * PIXELS_PER_METRE;
      if (x < -5 || y < -5 || x > world.width + 5 || y > world.height + 5) continue;
      ctx.fillStyle = COLORS[e.kind] ?? '#fff';
      ctx.beginPath();
      ctx.arc(x, y, e.kind === 2 ? 6 : 4, 0, Math.PI * 2);
      ctx.fill();
      shown++;
    }
    // for tests and curious readers: what is drawn, in the DOM
    document.body.dataset.entities = String(shown);
    document.body.dataset.views = String(views);
    stateEl.textContent = JSON.stringify([...s.ents.entries()].filter(([, e]) => e.kind === 0).slice(0, 50)
      .map(([id, e]) => [id, Math.round(e.x * 100) / 100, Math.round(e.y * 100) / 100]));
  }
  overlay.textContent = [
    `${status}${sessionId ? ' · session ' + sessionId : ''}`,
    `RTT        ${rttMs < 0 ? '–' : rttMs.toFixed(1) + ' ms'}`,
    `received   ${(bytesPerSecond / 1024).toFixed(1)} KiB/s`,
    `in view    ${shown} entities`,
    `players    ${s ? s.players : '–'}`,
    `you        ${s ? s.selfX.toFixed(0) + ', ' + s.selfY.toFixed(0) : '–'}`,
    `tick       ${tickMs.length ? tickMs[tickMs.length - 1].toFixed(2) + ' ms' : '–'}`,
  ].join('\n');
  drawTicks();
  requestAnimationFrame(draw);
}

/** The last 160 server tick times; the top is 25 ms, the dashed line the 50 ms tick period's half. */
function drawTicks(): void {
  const w = ticksCanvas.width, h = ticksCanvas.height;
  tctx.clearRect(0, 0, w, h);
  tctx.strokeStyle = '#555';
  tctx.setLineDash([3, 3]);
  tctx.beginPath(); tctx.moveTo(0, h / 2); tctx.lineTo(w, h / 2); tctx.stroke();
  tctx.setLineDash([]);
  tctx.strokeStyle = '#f84';
  tctx.beginPath();
  tickMs.forEach((ms, i) => {
    const y = h - Math.min(h, (ms / 25) * h);
    if (i === 0) tctx.moveTo(i, y); else tctx.lineTo(i, y);
  });
  tctx.stroke();
  tctx.fillStyle = '#ccc';
  tctx.fillText('tick ms', 4, 10);
}

main().catch((e) => { status = 'error: ' + e; overlay.textContent = status; });
