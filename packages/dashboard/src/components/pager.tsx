// Previous / Next for an offset-paged API list ({ items, total }).
export function OffsetPager({ offset, limit, shown, total, onOffset }: { offset: number; limit: number; shown: number; total: number; onOffset: (offset: number) => void }) {
  return (
    <div className="pager">
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>Previous</button>
      <span className="muted">{offset + 1}–{offset + shown} of {total}</span>
      <button type="button" disabled={offset + limit >= total} onClick={() => onOffset(offset + limit)}>Next</button>
    </div>
  );
}
