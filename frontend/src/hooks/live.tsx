import { createContext, useContext, useMemo, useState, type ReactNode } from "react";
import { useLiveStream, type StreamStatus } from "./useLiveStream";

interface LiveState {
  live: boolean;
  setLive: (live: boolean) => void;
  status: StreamStatus;
}

const LiveContext = createContext<LiveState | null>(null);
const STORAGE_KEY = "roost.live";

function initialLive(): boolean {
  try {
    return window.localStorage.getItem(STORAGE_KEY) !== "paused";
  } catch {
    return true;
  }
}

/** Owns the live/paused switch and the one stats stream for the whole page. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const [live, setLiveState] = useState(initialLive);
  const status = useLiveStream(live);

  const value = useMemo(() => {
    const setLive = (next: boolean) => {
      setLiveState(next);
      try {
        window.localStorage.setItem(STORAGE_KEY, next ? "live" : "paused");
      } catch {
        // Private windows may refuse storage; the switch still works for this visit.
      }
    };
    return { live, setLive, status };
  }, [live, status]);

  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveState {
  const value = useContext(LiveContext);
  if (!value) throw new Error("useLive needs a LiveProvider above it");
  return value;
}
