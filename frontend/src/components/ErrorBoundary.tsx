import { Component, type ReactNode } from "react";
import { ErrorPanel } from "./Status";

interface State {
  error: unknown;
}

/** Keeps a page's crash inside the page, with the navigation still working. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  render() {
    if (this.state.error) {
      return (
        <ErrorPanel
          title="This page failed"
          error={this.state.error}
          onRetry={() => this.setState({ error: null })}
        />
      );
    }
    return this.props.children;
  }
}
