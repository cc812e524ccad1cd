// A small SVG line chart (no chart library): one or two series against time, each with its own axis.
export interface Series {
  name: string;
  unit: string;
  color: string;
  points: Array<{ t: number; v: number }>;
}

const W = 720;
const H = 260;
const PAD = { l: 56, r: 56, t: 16, b: 28 };

function ticks(max: number): number[] {
  if (max <= 0) return [0];
  const step = Math.pow(10, Math.floor(Math.log10(max)));
  const n = max / step;
  const s = n > 5 ? step * 2 : n > 2 ? step : step / 2;
  const out = [];
  for (let v = 0; v <= max + 1e-9; v += s) out.push(v);
  return out;
}

export function LineChart({ series, label }: { series: Series[]; label: string }) {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return <div className="empty">No meter values yet. The chart grows as the station sends them.</div>;
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(...all.map((p) => p.t), t0 + 1000);
  const x = (t: number) => PAD.l + ((t - t0) / (t1 - t0)) * (W - PAD.l - PAD.r);
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <line x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} className="axis" />
      <text x={PAD.l} y={H - 8} className="tick">{new Date(t0).toLocaleTimeString()}</text>
      <text x={W - PAD.r} y={H - 8} className="tick" textAnchor="end">{new Date(t1).toLocaleTimeString()}</text>
      {series.map((s, i) => {
        const max = Math.max(...s.points.map((p) => p.v), 1) * 1.1;
        const y = (v: number) => H - PAD.b - (v / max) * (H - PAD.t - PAD.b);
        const axisX = i === 0 ? PAD.l : W - PAD.r;
        const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
        return (
          <g key={s.name} data-series={s.name} data-points={s.points.length}>
            <line x1={axisX} y1={PAD.t} x2={axisX} y2={H - PAD.b} className="axis" />
            {ticks(max).map((v) => (
              <text key={v} x={i === 0 ? axisX - 4 : axisX + 4} y={y(v) + 4} className="tick" textAnchor={i === 0 ? 'end' : 'start'} fill={s.color}>
                {v >= 1000 ? `${+(v / 1000).toFixed(1)}k` : +v.toFixed(1)}
              </text>
            ))}
            <path d={d} fill="none" stroke={s.color} strokeWidth={2} />
            {s.points.map((p, j) => <circle key={j} cx={x(p.t)} cy={y(p.v)} r={2.5} fill={s.color} />)}
            <text x={i === 0 ? PAD.l + 6 : W - PAD.r - 6} y={PAD.t + 12} textAnchor={i === 0 ? 'start' : 'end'} fill={s.color} className="legend">
              {s.name} ({s.unit})
            </text>
          </g>
        );
      })}
    </svg>
  );
}
