import { useMemo, useState } from "react";
import { formatBytes } from "../lib/format";

const SHOWN_CHARS = 4000;

/** Pretty JSON as plain text; large values are cut with a way to see them whole. */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  const text = useMemo(() => JSON.stringify(value, null, 2) ?? "null", [value]);
  const [expanded, setExpanded] = useState(false);
  const long = text.length > SHOWN_CHARS;
  const shown = long && !expanded ? text.slice(0, SHOWN_CHARS) : text;

  return (
    <div className="json">
      <pre className="code" aria-label={label} tabIndex={0}>
        {shown}
        {long && !expanded && <span className="muted">{"\n…"}</span>}
      </pre>
      <div className="json-tools">
        {long && (
          <button type="button" className="link-button" onClick={() => setExpanded(!expanded)}>
            {expanded ? "Show less" : `Show all (${formatBytes(text.length)})`}
          </button>
        )}
        <CopyButton text={text} />
      </div>
    </div>
  );
}

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  if (!navigator.clipboard) return null;
  return (
    <button
      type="button"
      className="link-button"
      onClick={() => {
        void navigator.clipboard.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
    >
      {copied ? "Copied" : "Copy"}
    </button>
  );
}
