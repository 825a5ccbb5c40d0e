/**
 * The Frames tab: a connection's frames as a virtualized table with a text filter and "Hide audio" (the
 * timeline's setting, so the list and the pane agree), and the data of the frame clicked.
 */
import { memo, useDeferredValue, useMemo, useRef, useState } from 'react';
import type { Finding } from '../../../../shared/analysis/model.js';
import type { EventOf } from '../../../../shared/events.js';
import { isAudioFrame } from '../../../../shared/timeline/audio-runs.js';
import { useTimelineStore } from '../../state/timeline-store.js';
import { useAnalysis } from '../../state/use-analysis.js';
import { useTraffic } from '../../state/use-traffic.js';
import { directionArrow, directionWords } from '../direction.js';
import { formatBytes, formatClock, preview } from '../format.js';
import { KvList } from '../kv-list.js';
import { FindingsList, severityIcon, worstSeverity } from './findings-list.js';
import { FrameData } from './frame-data.js';
import { filterFrames, frameTypeName, type FrameFilterResult } from './frame-filter.js';
import { RawMarked } from './raw-marked.js';
import { findingsByEvent, frameMarks } from './event-findings.js';
import { VirtualTable, type Column } from './virtual-table.js';
import { FrameInjectActions, FrameOriginBadge, SendFrameButton } from '../inject/inject-actions.js';
import { FrameFateBadge, FrameFateDetails } from '../breakpoints/frame-fate.js';
import type { PauseView } from '../../../../shared/store/traffic-state.js';

type Frame = EventOf<'ws.frame'>;

const COLUMNS: readonly Column[] = [
  { title: 'Dir' },
  { title: '#', className: 'num' },
  { title: 'Time', className: 'num' },
  { title: 'Type' },
  { title: 'Size', className: 'num' },
  { title: 'Data' },
  { title: 'Findings' },
];
const NO_FINDINGS: readonly Finding[] = [];

/** Position of `value` in the sorted `indexes`, else of the first entry after it (or the last entry). */
function positionOf(indexes: readonly number[], value: number): number | null {
  if (indexes.length === 0) return null;
  let lo = 0;
  let hi = indexes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (indexes[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, indexes.length - 1);
}

export const FramesTab = memo(function FramesTab({
  connectionId,
  focusIndex,
  audioRange,
}: {
  connectionId: string;
  focusIndex: number | undefined;
  audioRange: { first: number; last: number } | undefined;
}) {
  const connection = useTraffic((s) => s.connections.get(connectionId));
  const frameTypes = useAnalysis((a) => a.frameTypes);
  const findings = useAnalysis((a) => a.connections.get(connectionId)?.findings) ?? NO_FINDINGS;
  const byEvent = useMemo(() => findingsByEvent(findings), [findings]);
  const hideAudio = useTimelineStore((s) => s.hideAudio);
  const setHideAudio = useTimelineStore((s) => s.setHideAudio);
  const [text, setText] = useState('');
  const needle = useDeferredValue(text.trim().toLowerCase());
  const [selected, setSelected] = useState<number | null>(focusIndex ?? null);
  const cache = useRef<FrameFilterResult | null>(null);

  const frames = connection?.frames ?? [];
  const filtered = filterFrames(cache.current, frames, frameTypes, { hideAudio, needle });
  cache.current = filtered;
  const { indexes } = filtered;
  const selectedPos = selected === null ? null : positionOf(indexes, selected);
  const selectedShown = selectedPos !== null && indexes[selectedPos] === selected;
  // Brought into view once, when the tab opens on a frame or a run; afterwards the user scrolls.
  const [scrollTarget] = useState(() => (focusIndex !== undefined ? focusIndex : null));
  const scrollPos = scrollTarget === null ? null : positionOf(indexes, scrollTarget);

  if (!connection) return <p className="dp-empty">This connection is not in the current view.</p>;
  const frame = selected !== null ? frames[selected] : undefined;
  const hiddenAudio = frame !== undefined && hideAudio && isAudioFrame(frame, frameTypes);
  const runLength = audioRange ? audioRange.last - audioRange.first + 1 : 0;

  return (
    <div className="dp-split">
      <div className="dp-toolbar">
        <input
          type="text"
          className="dp-filter"
          placeholder="Filter frames"
          aria-label="Filter frames"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <label className="dp-check">
          <input type="checkbox" checked={hideAudio} onChange={(e) => setHideAudio(e.target.checked)} />
          Hide audio
        </label>
        {connection.open && <SendFrameButton connectionId={connectionId} compact />}
        <span className="dp-count muted">
          {indexes.length === frames.length ? `${frames.length.toLocaleString()} frames` : `${indexes.length.toLocaleString()} of ${frames.length.toLocaleString()} frames`}
        </span>
      </div>
      {audioRange && (
        <p className="dp-hint">
          Audio run: frames #{audioRange.first}–#{audioRange.last} ({runLength.toLocaleString()} frame{runLength === 1 ? '' : 's'}), marked in the table.
          {hideAudio && (
            <>
              {' '}
              They are hidden now.{' '}
              <button type="button" className="link-button" onClick={() => setHideAudio(false)}>
                Show audio frames
              </button>
            </>
          )}
        </p>
      )}
      {frames.length === 0 ? (
        <p className="dp-empty">No frames yet.</p>
      ) : indexes.length === 0 ? (
        <p className="dp-empty">No frame matches the filter.</p>
      ) : (
        <VirtualTable
          label="Frames"
          className="dp-frames-table"
          columns={COLUMNS}
          // Fractions, not fixed maxima, for Type and Findings: a grid grows capped tracks to their cap before any fr
          // track gets space, which left Data at zero width in a detail pane of ~550 px.
          template="24px 52px 72px minmax(80px, 1fr) 64px minmax(60px, 1.4fr) minmax(0, 0.6fr)"
          rowCount={indexes.length}
          selected={selectedShown ? selectedPos : null}
          onSelect={(pos) => setSelected(indexes[pos]!)}
          scrollTo={scrollPos}
          rowClass={(pos) => {
            const i = indexes[pos]!;
            const f = frames[i]!;
            const inRun = audioRange !== undefined && i >= audioRange.first && i <= audioRange.last;
            const worst = worstSeverity(byEvent.get(f.seq) ?? NO_FINDINGS);
            return `${isAudioFrame(f, frameTypes) ? 'dim' : ''}${inRun ? ' in-run' : ''}${worst ? ` has-finding finding-row-${worst}` : ''}`;
          }}
          renderCells={(pos) => {
            const i = indexes[pos]!;
            const f = frames[i]!;
            const own = byEvent.get(f.seq) ?? NO_FINDINGS;
            const worst = worstSeverity(own);
            return [
              <span className={`dir dir-${f.direction}`} title={directionWords(f.direction)}>
                {directionArrow(f.direction)}
              </span>,
              i,
              `+${(f.t - connection.startT).toFixed(1)}`,
              <span className="mono dp-type">
                <FrameOriginBadge frame={f} short />
                <FrameFateBadge frame={f} pauses={connection.pauses} />
                {frameTypeName(f, frameTypes)}
              </span>,
              formatBytes(f.size),
              <span className="mono dp-preview">{f.encoding === 'base64' ? `(binary) ${preview(f.data, 60)}` : preview(f.data, 200)}</span>,
              worst ? (
                <span className={`finding-${worst}`} title={own.map((x) => x.message).join('\n')}>
                  <span aria-hidden="true">{severityIcon(worst)}</span> <span className="mono">{own[0]!.rule}</span>
                  {own.length > 1 ? ` +${own.length - 1}` : ''}
                </span>
              ) : (
                ''
              ),
            ];
          }}
        />
      )}
      {frame ? (
        <>
          {(hiddenAudio || (!selectedShown && needle)) && (
            <p className="dp-hint">
              {hiddenAudio ? 'This audio frame is hidden in the table. ' : 'This frame does not match the filter. '}
              {hiddenAudio && (
                <button type="button" className="link-button" onClick={() => setHideAudio(false)}>
                  Show audio frames
                </button>
              )}
            </p>
          )}
          <FrameView key={frame.seq} frame={frame} index={selected!} openT={connection.startT} pauses={connection.pauses} typeName={frameTypeName(frame, frameTypes)} findings={byEvent.get(frame.seq) ?? NO_FINDINGS} />
        </>
      ) : (
        frames.length > 0 && <p className="dp-hint">Click a frame to see its data.</p>
      )}
    </div>
  );
});

function FrameView({
  frame,
  index,
  openT,
  pauses,
  typeName,
  findings,
}: {
  frame: Frame;
  index: number;
  openT: number;
  pauses: readonly PauseView[];
  typeName: string;
  findings: readonly Finding[];
}) {
  const marks = useMemo(() => frameMarks(findings), [findings]);
  return (
    <section className="dp-sub" aria-label={`Frame ${index}`}>
      <h3 className="dp-sub-title">
        Frame #{index} <span className={`dir dir-${frame.direction}`}>{directionArrow(frame.direction)}</span> {directionWords(frame.direction)} ·{' '}
        <span className="mono">{typeName}</span>
      </h3>
      {findings.length > 0 && <FindingsList findings={findings} jump={false} />}
      <KvList
        entries={[
          ['Time', `${formatClock(frame.t)} · +${(frame.t - openT).toFixed(1)} ms after the connection opened`],
          ['Event', `#${frame.seq}`],
          frame.origin === 'inject'
            ? ['Origin', frame.resentOf !== undefined ? `injected from Toolscope (a resend of event #${frame.resentOf})` : 'injected from Toolscope']
            : frame.origin === 'mock'
              ? ['Origin', 'sent by a mock rule']
              : null,
        ]}
      />
      <FrameFateDetails frame={frame} pauses={pauses} />
      <FrameData frame={frame} />
      <FrameInjectActions frame={frame} />
      {marks.length > 0 && frame.encoding === 'utf8' && (
        <>
          <h4 className="dp-h4">Raw frame (the part a finding points at is marked)</h4>
          <RawMarked text={frame.data} marks={marks} label="Raw frame" />
        </>
      )}
    </section>
  );
}
