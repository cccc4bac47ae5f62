import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { LiveProvider } from "./hooks/live";
import { ApiError } from "./services/http";
import "./styles/base.css";
import "./styles/layout.css";
import "./styles/table.css";
import "./styles/forms.css";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Freshness comes from the /jobstats stream, which invalidates what changed; nothing
      // refetches on its own, so the pause switch silences the page.
      staleTime: 5_000,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
      retry: (failures, error) =>
        failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
    },
  },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <LiveProvider>
        <App />
      </LiveProvider>
    </QueryClientProvider>
  </StrictMode>,
);
