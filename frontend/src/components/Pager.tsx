import { formatNumber } from "../lib/format";

interface PagerProps {
  first: number;
  shown: number;
  total: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onFirst: () => void;
  onPrevious: () => void;
  onNext: () => void;
}

/** Keyset paging: back to the first page, one page back, one page on. */
export function Pager(props: PagerProps) {
  const { first, shown, total, hasPrevious, hasNext } = props;
  const last = first + shown - 1;
  return (
    <nav className="pager" aria-label="Pages">
      <span className="muted">
        {shown === 0
          ? `0 of ${formatNumber(total)}`
          : `${formatNumber(first)}–${formatNumber(last)} of ${formatNumber(total)}`}
      </span>
      <button type="button" className="button" disabled={!hasPrevious} onClick={props.onFirst}>
        First page
      </button>
      <button type="button" className="button" disabled={!hasPrevious} onClick={props.onPrevious}>
        Previous
      </button>
      <button type="button" className="button" disabled={!hasNext} onClick={props.onNext}>
        Next
      </button>
    </nav>
  );
}
